//! Running a script on this dialect.

use crate::apply::{ApplyOptions, ApplyReport};
use crate::dialect::Script;

pub async fn apply(
    url: &str,
    _script: &Script,
    _options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    Err(miette::miette!("apply to {url} is not built yet"))
}
