//! The ground floor: the vocabulary every stage shares and that uses no stage — the language a
//! person reads ([`lang`]), text normalisation and character classes ([`text`]), pixel
//! primitives and what counts as ink ([`pixels`]), and the region vocabulary ([`region`]).

pub mod lang;
pub mod pixels;
pub mod region;
pub mod text;

pub use lang::Lang;
pub use region::{Evidence, Kind, Region};
