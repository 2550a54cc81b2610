// `try` with several `catch` clauses: a multi-catch (`A | B e`), a typed one, an untyped one,
// then `finally`; and a `try` with only `finally`. `throw new X(…)` inside a catch.
try {
    risky()
} catch (IOException | IllegalStateException e) {
    log.warn "io: ${e.message}"
} catch (IssueTrackerException e) {
    throw new RuntimeException("wrapped", e)
} catch (e) {
    failed = true
} finally {
    cleanup()
}
try { open() } finally { close() }
