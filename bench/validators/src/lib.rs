//! Nothing here: the comparison is `benches/validators.rs`.
