//! Language server. Arrives with the editor support.
