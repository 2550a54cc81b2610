// A list opened with `[` and closed with `)`: reported as a mismatch (replace `)` with `]`).
// expect: E0014
def labels = ["urgent", "vip")
entity.labels = labels
