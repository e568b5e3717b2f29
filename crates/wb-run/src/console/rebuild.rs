//! `output.log` rebuilt from a run's `output_raw` records. wandb-core writes the file of an
//! online run from the records it receives; once core has stopped, the file lacks every line
//! core never got, so the run writes it anew from its own log, as an offline run writes it.

use super::terminal::{OutputLog, Stream};
use std::path::Path;
use wb_proto::{OutputType, RecordType};

/// Writes `files/output.log` of the run in `run_dir` anew from the `output_raw` records of its
/// log. A log that cannot be read, or one without console lines, leaves the file as it is.
pub(crate) fn rebuild_output_log(run_dir: &Path) {
    let Ok(log) = crate::RunLog::read(run_dir) else {
        return;
    };
    let mut out = OutputLog::new(&run_dir.join("files").join("output.log"));
    for r in &log.records {
        if let Some(RecordType::OutputRaw(o)) = &r.record_type {
            let stream = if o.output_type == OutputType::Stderr as i32 {
                Stream::Stderr
            } else {
                Stream::Stdout
            };
            out.write(stream, &o.line);
        }
    }
    out.finish();
}
