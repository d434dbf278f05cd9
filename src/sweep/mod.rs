//! Sweeps without I/O: the configuration, the distributions of its parameters, the design's
//! points, the durable per-shard log of finished points, and the analysis of the results
//! (sensitivity indices and robustness). `app::sweep` runs the model at the points and does the
//! files.

mod analysis;
mod config;
mod design;
mod distribution;
pub mod shard;

pub use analysis::{Index, Layout, Robustness, indices, outputs, quantile, robustness, wilson};
pub use config::{Config, Seeds};
pub use design::{Design, DesignKind, MAX_POINTS, grid, morris_points, sobol_points, to_values};
pub use distribution::{Distribution, ParameterSpec, normal_cdf, normal_quantile};
