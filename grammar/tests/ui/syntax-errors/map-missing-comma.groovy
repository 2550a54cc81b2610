// A map literal with a `,` missing between two entries; the next statement still parses.
// expect: E0010
def statusMap = [open: "Open" done: "Resolved"]
entity.status = statusMap[replica.status.name]
