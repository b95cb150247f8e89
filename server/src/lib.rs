//! The hookwise reference API server (work in progress).
