//! The distribution log (seed 000) and the sales figures kept in step with it.

pub mod distributions;
pub(crate) mod sales_figures;
