// Writing the replica in an incoming script has no effect.
// expect: E0108, E0108
entity.summary = replica.summary
replica.summary = entity.summary
replica.customKeys.seen = true
