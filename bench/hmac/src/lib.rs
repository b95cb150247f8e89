//! Nothing here: the comparison is `benches/hmac.rs`.
