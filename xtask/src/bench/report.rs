//! The bench report: one [`Row`] per benchmark, its goal, the printed table and
//! `target/bench/report.json`.

use wb_types::core::json::{self, Dialect, Map, Value};

/// What a benchmark must reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// Python time over Rust time, at least (not judged when `max_floor_ratio` is set).
    pub ratio: f64,
    /// Our file over the SDK's, at most (`None`: no size goal).
    pub max_size_ratio: Option<f64>,
    /// Rust time over the operation's floor, measured in the same run (`bench::floor`), at
    /// most; when set, speed is judged by it instead of by the SDK ratio.
    pub max_floor_ratio: Option<f64>,
}

/// How a benchmark ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Both sides produced equivalent output and were timed.
    Measured {
        /// Median milliseconds of the SDK.
        python_ms: f64,
        /// Median milliseconds of ours.
        rust_ms: f64,
        /// The SDK's fastest run, in milliseconds.
        python_best_ms: f64,
        /// Our fastest run, in milliseconds.
        rust_best_ms: f64,
        /// Bytes of the SDK's output file(s), where there is a file.
        python_bytes: Option<u64>,
        /// Bytes of ours.
        rust_bytes: Option<u64>,
        /// Median milliseconds of the operation's floor, where it has one.
        floor_ms: Option<f64>,
    },
    /// Not run: the family's API is not there yet, or a side cannot run (the reason).
    Missing(String),
    /// The outputs are not equivalent (what differs); nothing was timed.
    Mismatch(String),
    /// A side failed (the error).
    Failed(String),
}

/// One benchmark's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The benchmark's name (`image`, `histogram`, ...).
    pub bench: &'static str,
    /// Its input, in words.
    pub input: &'static str,
    /// Its goal.
    pub goal: Goal,
    /// What happened.
    pub outcome: Outcome,
    /// How the outputs were found equivalent, or other notes.
    pub note: String,
}

impl Row {
    /// Python ms / Rust ms.
    pub fn ratio(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Measured {
                python_ms, rust_ms, ..
            } if rust_ms > 0.0 => Some(python_ms / rust_ms),
            _ => None,
        }
    }

    /// Rust ms / floor ms.
    pub fn floor_ratio(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Measured {
                rust_ms,
                floor_ms: Some(f),
                ..
            } if f > 0.0 => Some(rust_ms / f),
            _ => None,
        }
    }

    /// Whether the speed goal is reached: the floor ratio where the goal has one, else the
    /// SDK ratio.
    fn speed_met(&self) -> bool {
        match self.goal.max_floor_ratio {
            Some(max) => self.floor_ratio().is_some_and(|r| r <= max),
            None => self.ratio().is_some_and(|r| r >= self.goal.ratio),
        }
    }

    /// Our bytes / the SDK's bytes.
    pub fn size_ratio(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Measured {
                python_bytes: Some(p),
                rust_bytes: Some(r),
                ..
            } if p > 0 => Some(r as f64 / p as f64),
            _ => None,
        }
    }

    /// Whether the row reaches its goal (speed, and size where there is a size goal).
    pub fn met(&self) -> bool {
        let speed = self.speed_met();
        let size = match self.goal.max_size_ratio {
            None => true,
            Some(max) => self.size_ratio().is_some_and(|s| s <= max),
        };
        speed && size
    }

    /// The last column of the table: `met`, `MISSED (...)`, `MISSING: ...`.
    pub fn verdict(&self) -> String {
        match &self.outcome {
            Outcome::Measured { .. } if self.met() => "met".into(),
            Outcome::Measured { .. } => {
                let mut why = Vec::new();
                if !self.speed_met() {
                    why.push(match self.goal.max_floor_ratio {
                        Some(max) => format!("time > {}x the floor", fmt_goal(max)),
                        None => format!("speed < {}x", fmt_goal(self.goal.ratio)),
                    });
                }
                if let Some(max) = self.goal.max_size_ratio
                    && self.size_ratio().is_none_or(|s| s > max)
                {
                    why.push(format!("size > {max}x the SDK's"));
                }
                format!("MISSED ({})", why.join(", "))
            }
            Outcome::Missing(r) => format!("MISSING: {r}"),
            Outcome::Mismatch(d) => format!("NOT EQUIVALENT: {d}"),
            Outcome::Failed(e) => format!("FAILED: {e}"),
        }
    }
}

/// The median of `xs` (the mean of the middle two for an even count); `None` when empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

fn fmt_goal(r: f64) -> String {
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

/// Milliseconds with three significant digits or more: `0.123`, `12.3`, `1234`.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.3}")
    }
}

fn fmt_bytes(b: Option<u64>) -> String {
    b.map_or_else(|| "-".into(), |b| b.to_string())
}

/// The table `cargo xtask bench` prints (a Markdown table, so it can be pasted into docs).
pub fn table(rows: &[Row]) -> String {
    let header = [
        "bench",
        "python ms",
        "rust ms",
        "ratio",
        "vs floor",
        "goal",
        "python bytes",
        "rust bytes",
        "result",
    ];
    let mut cells: Vec<Vec<String>> = Vec::new();
    for r in rows {
        let goal = match (r.goal.max_floor_ratio, r.goal.max_size_ratio) {
            (Some(f), _) => format!("<= {}x floor", fmt_goal(f)),
            (None, Some(1.0)) => format!(">= {}x, size <= SDK", fmt_goal(r.goal.ratio)),
            (None, Some(s)) => format!(">= {}x, size <= {s}x", fmt_goal(r.goal.ratio)),
            (None, None) => format!(">= {}x", fmt_goal(r.goal.ratio)),
        };
        let (py, rs, pb, rb) = match &r.outcome {
            Outcome::Measured {
                python_ms,
                rust_ms,
                python_bytes,
                rust_bytes,
                ..
            } => (
                fmt_ms(*python_ms),
                fmt_ms(*rust_ms),
                fmt_bytes(*python_bytes),
                fmt_bytes(*rust_bytes),
            ),
            _ => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        let ratio = r.ratio().map_or_else(|| "-".into(), |x| format!("{x:.1}x"));
        let floor = match (&r.outcome, r.floor_ratio()) {
            (
                Outcome::Measured {
                    floor_ms: Some(f), ..
                },
                Some(x),
            ) => format!("{x:.2}x of {} ms", fmt_ms(*f)),
            _ => "-".into(),
        };
        cells.push(vec![
            r.bench.to_owned(),
            py,
            rs,
            ratio,
            floor,
            goal,
            pb,
            rb,
            r.verdict(),
        ]);
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    // Numbers are right-aligned; the result column is left as is (it can be long).
    let numeric = [false, true, true, true, true, false, true, true, false];
    let line = |row: &[String]| {
        let parts: Vec<String> = row
            .iter()
            .zip(&widths)
            .zip(numeric)
            .enumerate()
            .map(|(i, ((c, &w), num))| {
                if i + 1 == row.len() {
                    c.clone()
                } else if num {
                    format!("{c:>w$}")
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        format!("| {} |", parts.join(" | "))
    };
    let mut out = line(&header.map(String::from));
    out.push('\n');
    let rule: Vec<String> = widths
        .iter()
        .zip(numeric)
        .enumerate()
        .map(|(i, (&w, num))| {
            let w = if i + 1 == widths.len() { 3 } else { w.max(3) };
            if num {
                format!("{}:", "-".repeat(w - 1))
            } else {
                "-".repeat(w)
            }
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in &cells {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

fn opt_f64(x: Option<f64>) -> Value {
    x.map_or(Value::Null, Value::from)
}

fn opt_u64(x: Option<u64>) -> Value {
    x.map_or(Value::Null, |b| Value::from(b as i64))
}

/// `report.json`: `{"bench": {"python_ms", "rust_ms", "ratio", "floor_ms", "floor_ratio",
/// "python_bytes", "rust_bytes", "python_best_ms", "rust_best_ms", "goal_ratio",
/// "goal_max_size_ratio", "goal_max_floor_ratio", "met", "status", "note"}}`, one bench a line in run
/// order, then `"_meta"`; numbers a row does not have are `null`.
pub fn to_json(rows: &[Row], meta: Map) -> String {
    let mut out: Vec<(String, Value)> = Vec::new();
    for r in rows {
        let floor_ms = match &r.outcome {
            Outcome::Measured { floor_ms, .. } => *floor_ms,
            _ => None,
        };
        let (py, rs, pb, rb, best, status, note) = match &r.outcome {
            Outcome::Measured {
                python_ms,
                rust_ms,
                python_bytes,
                rust_bytes,
                python_best_ms,
                rust_best_ms,
                ..
            } => (
                Some(*python_ms),
                Some(*rust_ms),
                *python_bytes,
                *rust_bytes,
                Some((*python_best_ms, *rust_best_ms)),
                if r.met() { "met" } else { "missed" },
                r.note.clone(),
            ),
            Outcome::Missing(s) => (None, None, None, None, None, "missing", s.clone()),
            Outcome::Mismatch(s) => (None, None, None, None, None, "not_equivalent", s.clone()),
            Outcome::Failed(s) => (None, None, None, None, None, "failed", s.clone()),
        };
        let mut m = Map::new();
        m.insert("input".into(), r.input.into());
        m.insert("python_ms".into(), opt_f64(py));
        m.insert("rust_ms".into(), opt_f64(rs));
        m.insert("ratio".into(), opt_f64(r.ratio()));
        m.insert("floor_ms".into(), opt_f64(floor_ms));
        m.insert("floor_ratio".into(), opt_f64(r.floor_ratio()));
        m.insert("python_bytes".into(), opt_u64(pb));
        m.insert("rust_bytes".into(), opt_u64(rb));
        m.insert("python_best_ms".into(), opt_f64(best.map(|b| b.0)));
        m.insert("rust_best_ms".into(), opt_f64(best.map(|b| b.1)));
        m.insert("goal_ratio".into(), r.goal.ratio.into());
        m.insert("goal_max_size_ratio".into(), opt_f64(r.goal.max_size_ratio));
        m.insert(
            "goal_max_floor_ratio".into(),
            opt_f64(r.goal.max_floor_ratio),
        );
        m.insert("met".into(), r.met().into());
        m.insert("status".into(), status.into());
        m.insert("note".into(), note.into());
        out.push((r.bench.into(), Value::Object(m)));
    }
    if !meta.is_empty() {
        out.push(("_meta".into(), Value::Object(meta)));
    }
    let lines: Vec<String> = out
        .iter()
        .map(|(k, v)| {
            let key = json::to_string(&Value::from(k.as_str()), Dialect::Compact);
            format!("  {key}: {}", json::to_string(v, Dialect::Compact))
        })
        .collect();
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(py: f64, rs: f64, pb: Option<u64>, rb: Option<u64>, goal: Goal) -> Row {
        Row {
            bench: "x",
            input: "in",
            goal,
            outcome: Outcome::Measured {
                python_ms: py,
                rust_ms: rs,
                python_bytes: pb,
                rust_bytes: rb,
                python_best_ms: py,
                rust_best_ms: rs,
                floor_ms: None,
            },
            note: String::new(),
        }
    }

    const SPEED_3: Goal = Goal {
        ratio: 3.0,
        max_size_ratio: None,
        max_floor_ratio: None,
    };

    #[test]
    fn median_odd_even_empty_nan() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 7.0]), Some(7.0));
    }

    #[test]
    fn goals_speed_and_size() {
        assert!(measured(30.0, 10.0, None, None, SPEED_3).met());
        assert!(!measured(29.0, 10.0, None, None, SPEED_3).met());
        let sized = Goal {
            ratio: 3.0,
            max_size_ratio: Some(1.1),
            max_floor_ratio: None,
        };
        assert!(measured(30.0, 1.0, Some(100), Some(110), sized).met());
        let big = measured(30.0, 1.0, Some(100), Some(111), sized);
        assert!(!big.met());
        assert_eq!(big.verdict(), "MISSED (size > 1.1x the SDK's)");
        let slow = measured(2.0, 1.0, None, None, SPEED_3);
        assert_eq!(slow.verdict(), "MISSED (speed < 3x)");
        // A size goal with no file to compare cannot be met.
        assert!(!measured(30.0, 1.0, None, None, sized).met());
    }

    #[test]
    fn a_floor_goal_judges_by_the_floor_not_the_sdk() {
        let goal = Goal {
            ratio: 10.0,
            max_size_ratio: None,
            max_floor_ratio: Some(1.3),
        };
        let with_floor = |py: f64, rs: f64, floor: f64| {
            let mut r = measured(py, rs, None, None, goal);
            if let Outcome::Measured { floor_ms, .. } = &mut r.outcome {
                *floor_ms = Some(floor);
            }
            r
        };
        // 4x the SDK (under its 10x) but within 1.3x of the floor: met.
        let near = with_floor(40.0, 10.0, 8.0);
        assert_eq!(near.floor_ratio(), Some(1.25));
        assert!(near.met());
        // 20x the SDK, but 2x the floor: missed, and the reason names the floor.
        let far = with_floor(200.0, 10.0, 5.0);
        assert!(!far.met());
        assert_eq!(far.verdict(), "MISSED (time > 1.3x the floor)");
        // No floor measured: not met.
        assert!(!measured(200.0, 10.0, None, None, goal).met());
        let t = table(std::slice::from_ref(&near));
        assert!(t.contains("| 1.25x of 8.00 ms |"), "{t}");
        assert!(t.contains("<= 1.3x floor"), "{t}");
        let v = json::parse(&to_json(&[near], Map::new())).unwrap();
        let x = v.get("x").unwrap();
        assert_eq!(x.get("floor_ms").and_then(Value::as_f64), Some(8.0));
        assert_eq!(x.get("floor_ratio").and_then(Value::as_f64), Some(1.25));
        assert_eq!(
            x.get("goal_max_floor_ratio").and_then(Value::as_f64),
            Some(1.3)
        );
    }

    #[test]
    fn table_has_every_row_and_reason() {
        let mut missing = measured(1.0, 1.0, None, None, SPEED_3);
        missing.bench = "video";
        missing.outcome = Outcome::Missing("wb-video has no Video::from_array yet".into());
        let rows = vec![measured(12.345, 1.5, Some(10), Some(9), SPEED_3), missing];
        let t = table(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(lines[0].starts_with("| bench "));
        assert!(lines[1].starts_with("| -----"), "{}", lines[1]);
        assert!(lines[1].contains("| ---------: |"), "{}", lines[1]);
        assert!(
            lines[2].contains(" 12.3 |") && lines[2].contains(" 8.2x |"),
            "{}",
            lines[2]
        );
        assert!(lines[2].ends_with("| met |"), "{}", lines[2]);
        assert!(lines[3].contains("MISSING: wb-video has no Video::from_array yet"));
    }

    #[test]
    fn report_json_fields() {
        let rows = vec![measured(30.0, 10.0, Some(5), Some(4), SPEED_3)];
        let v = json::parse(&to_json(&rows, Map::new())).unwrap();
        let x = v.get("x").unwrap();
        assert_eq!(x.get("python_ms").and_then(Value::as_f64), Some(30.0));
        assert_eq!(x.get("rust_ms").and_then(Value::as_f64), Some(10.0));
        assert_eq!(x.get("ratio").and_then(Value::as_f64), Some(3.0));
        assert_eq!(x.get("python_bytes").and_then(Value::as_i64), Some(5));
        assert_eq!(x.get("rust_bytes").and_then(Value::as_i64), Some(4));
        assert_eq!(x.get("met").and_then(Value::as_bool), Some(true));
        let missing = Row {
            outcome: Outcome::Missing("why".into()),
            ..rows[0].clone()
        };
        let v = json::parse(&to_json(&[missing], Map::new())).unwrap();
        let x = v.get("x").unwrap();
        assert_eq!(x.get("rust_ms"), Some(&Value::Null));
        assert_eq!(x.get("status").and_then(Value::as_str), Some("missing"));
    }

    #[test]
    fn ms_formatting() {
        assert_eq!(fmt_ms(1234.4), "1234");
        assert_eq!(fmt_ms(12.34), "12.3");
        assert_eq!(fmt_ms(1.234), "1.23");
        assert_eq!(fmt_ms(0.1234), "0.123");
    }
}
