//! [`Table`]: columns, rows of [`Cell`]s and their column types, with the SDK's construction
//! and mutation API (`add_data`, `add_column`, `column`, `cast`, `set_pk`, `set_fk`).

use crate::cell::{Cell, Key};
use crate::dtypes::{Type, fits, type_of};
use crate::nd_array::NdArray;
use std::sync::{Arc, Mutex};
use wb_core::{Error, Result};

/// `Table.MAX_ROWS`: rows kept in the run copy of a logged table.
pub(crate) const MAX_ROWS: usize = 10_000;
/// `Table.MAX_ARTIFACT_ROWS`: rows kept in an artifact table.
pub(crate) const MAX_ARTIFACT_ROWS: usize = 200_000;
/// `Table._MAX_EMBEDDING_DIMENSIONS`: 1-D ndarray columns up to this length are written inline.
pub(crate) const MAX_EMBEDDING_DIMENSIONS: usize = 150;
/// The default columns of `wandb.Table()`.
pub(crate) const DEFAULT_COLUMNS: [&str; 3] = ["Input", "Output", "Expected"];

/// How a logged table behaves when it is changed and logged again (`log_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogMode {
    /// Logged once; later logs of the same table re-use the first one.
    #[default]
    Immutable,
    /// Every log after a change writes a new version.
    Mutable,
    /// Every log writes only the rows added since the previous log.
    Incremental,
}

impl LogMode {
    /// The SDK's name (`"IMMUTABLE"`).
    pub fn as_str(self) -> &'static str {
        match self {
            LogMode::Immutable => "IMMUTABLE",
            LogMode::Mutable => "MUTABLE",
            LogMode::Incremental => "INCREMENTAL",
        }
    }
}

impl std::fmt::Display for LogMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for LogMode {
    type Err = Error;

    /// Parses `"IMMUTABLE"`, `"MUTABLE"` or `"INCREMENTAL"`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "IMMUTABLE" => Ok(LogMode::Immutable),
            "MUTABLE" => Ok(LogMode::Mutable),
            "INCREMENTAL" => Ok(LogMode::Incremental),
            other => Err(Error::value(format!(
                "Invalid log_mode: {other}. Must be one of ['IMMUTABLE', 'MUTABLE', 'INCREMENTAL']"
            ))),
        }
    }
}

/// `dtype=`: one type for every column, or one per column.
#[derive(Debug, Clone, Default)]
pub enum Dtype {
    /// Inferred from the data (`dtype=None`).
    #[default]
    Infer,
    /// The same type for every column.
    All(Type),
    /// A type per column.
    PerColumn(Vec<Type>),
}

/// `optional=`: whether `None` is allowed, for every column or per column.
#[derive(Debug, Clone)]
pub enum Optional {
    /// The same for every column.
    All(bool),
    /// Per column.
    PerColumn(Vec<bool>),
}

impl Default for Optional {
    fn default() -> Self {
        Optional::All(true)
    }
}

/// Whether a column accepts `None`: the `optional=` of the SDK's `Table.cast` and
/// `Table.add_column` (whose default is [`Nullability::Required`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Nullability {
    /// `optional=False`: every cell must have the column's type.
    #[default]
    Required,
    /// `optional=True`: cells may also be `None`.
    Optional,
}

/// What writing a table of more than [`Table::MAX_ARTIFACT_ROWS`] rows into an artifact does
/// (the SDK's `table_raise_on_max_row_limit_exceeded` setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowLimit {
    /// The first [`Table::MAX_ARTIFACT_ROWS`] rows are written (the SDK's default, which logs
    /// "Truncating wandb.Table object to 200000 rows.").
    #[default]
    Truncate,
    /// Writing is an error (the setting on).
    Raise,
}

/// The settings of `wandb.Table(...)` beside its columns and data: `dtype=`, `optional=`,
/// `allow_mixed_types=`, `log_mode=`, and the row limit policy. Passed to
/// [`Table::from_rows_with`], [`Table::from_columns_with`] and [`Table::from_array_with`].
///
/// ```
/// use wb_table::{Cell, LogMode, Optional, Table, TableOptions};
/// let options = TableOptions::default()
///     .with_optional(Optional::All(false))
///     .with_log_mode(LogMode::Incremental);
/// let t = Table::from_rows_with(["n"], vec![vec![Cell::Int(1)]], options)?;
/// assert_eq!(t.column_types().to_string(), "{'n': Number}");
/// # Ok::<(), wb_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TableOptions {
    dtype: Dtype,
    optional: Optional,
    allow_mixed_types: bool,
    log_mode: LogMode,
    row_limit: RowLimit,
}

impl TableOptions {
    /// `dtype=`: the column types (default: inferred from the data).
    #[must_use]
    pub fn with_dtype(mut self, dtype: Dtype) -> Self {
        self.dtype = dtype;
        self
    }
    /// `optional=`: whether columns accept `None` (default: every column does).
    #[must_use]
    pub fn with_optional(mut self, optional: Optional) -> Self {
        self.optional = optional;
        self
    }
    /// `allow_mixed_types=`: every column is `Any` (type checks off); default off.
    #[must_use]
    pub fn with_allow_mixed_types(mut self, allow: bool) -> Self {
        self.allow_mixed_types = allow;
        self
    }
    /// `log_mode=` (default [`LogMode::Immutable`]).
    #[must_use]
    pub fn with_log_mode(mut self, mode: LogMode) -> Self {
        self.log_mode = mode;
        self
    }
    /// What writing more than [`Table::MAX_ARTIFACT_ROWS`] rows into an artifact does
    /// (default [`RowLimit::Truncate`]).
    #[must_use]
    pub fn with_row_limit(mut self, limit: RowLimit) -> Self {
        self.row_limit = limit;
        self
    }
    /// The `dtype=` setting.
    pub fn dtype(&self) -> &Dtype {
        &self.dtype
    }
    /// The `optional=` setting.
    pub fn optional(&self) -> &Optional {
        &self.optional
    }
    /// Whether mixed types are allowed.
    pub fn is_mixed_types_allowed(&self) -> bool {
        self.allow_mixed_types
    }
    /// The log mode.
    pub fn log_mode(&self) -> LogMode {
        self.log_mode
    }
    /// The row limit policy.
    pub fn row_limit(&self) -> RowLimit {
        self.row_limit
    }
}

/// What the table remembers about being logged (shared by [`Table::snapshot`]s, as one Python
/// object is).
#[derive(Debug, Default)]
pub(crate) struct LogState {
    /// The bound run copy (`media/table/...`), when logged and not changed since.
    pub(crate) run_file: Option<wb_core::MediaFile>,
    /// `artifact_path` and `_latest_artifact_path` of the entry in the run's table artifact.
    pub(crate) urls: Option<(String, String)>,
    /// INCREMENTAL: the increment number (`None` before the first log).
    pub(crate) increment_num: Option<u64>,
    /// INCREMENTAL: the number of rows logged so far.
    pub(crate) logged_rows: Option<usize>,
    /// INCREMENTAL: `artifact_path`s of earlier increments.
    pub(crate) previous_paths: Option<Vec<String>>,
    /// INCREMENTAL: the run it is logged to.
    pub(crate) run_id: Option<String>,
}

/// A W&B table (`wandb.Table`).
///
/// Data is held by row, as it is given and written; every cell is checked against its column's
/// type as it is added, and the column types are what the SDK infers for the same data.
///
/// A clone is a new, independent table (its own identity, never logged). To log the same table
/// again after changing it, so that its [`LogMode`] applies, log a [`Table::snapshot`].
#[derive(Debug)]
pub struct Table {
    pub(crate) columns: Vec<Key>,
    /// The rows, each with one cell per column.
    pub(crate) rows: Vec<Vec<Cell>>,
    pub(crate) nrows: usize,
    pub(crate) types: Vec<Type>,
    pub(crate) log_mode: LogMode,
    pub(crate) pk_col: Option<Key>,
    pub(crate) row_limit: RowLimit,
    /// Identity (Python's `id(table)`): shared by snapshots, as they share the log state.
    pub(crate) uid: u64,
    pub(crate) state: Arc<Mutex<LogState>>,
}

static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Clone for Table {
    /// A new table with the same columns, rows, types and settings: its own identity, never
    /// logged (Python's `copy.copy` of a table that was not logged).
    fn clone(&self) -> Self {
        Table {
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            state: Arc::default(),
            ..self.snapshot()
        }
    }
}

impl Default for Table {
    /// `wandb.Table()`: an empty table with the columns [`Table::DEFAULT_COLUMNS`].
    fn default() -> Self {
        Table::new(DEFAULT_COLUMNS)
    }
}

fn list_repr(cols: &[Key]) -> String {
    format!(
        "[{}]",
        cols.iter().map(Key::py_repr).collect::<Vec<_>>().join(", ")
    )
}

impl Table {
    fn empty(columns: Vec<Key>, log_mode: LogMode) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            nrows: 0,
            types: Vec::new(),
            log_mode,
            pk_col: None,
            row_limit: RowLimit::Truncate,
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            state: Arc::default(),
        }
    }

    /// `Table.MAX_ROWS`: rows kept in the run copy of a logged table.
    pub const MAX_ROWS: usize = MAX_ROWS;
    /// `Table.MAX_ARTIFACT_ROWS`: rows kept in an artifact table (see [`RowLimit`]).
    pub const MAX_ARTIFACT_ROWS: usize = MAX_ARTIFACT_ROWS;
    /// The columns of `wandb.Table()`: `["Input", "Output", "Expected"]` (also
    /// [`Table::default`]).
    pub const DEFAULT_COLUMNS: [&'static str; 3] = DEFAULT_COLUMNS;

    /// `Table(columns=columns)`: an empty table whose columns accept anything until data
    /// comes.
    pub fn new<K: Into<Key>>(columns: impl IntoIterator<Item = K>) -> Table {
        let mut t = Table::empty(
            columns.into_iter().map(Into::into).collect(),
            LogMode::Immutable,
        );
        // What `_make_column_types` gives with no dtype and `optional=True`.
        t.types = vec![Type::optional(Type::Unknown); t.columns.len()];
        t
    }

    /// `Table(columns=columns, data=rows)`: every row is added with [`Table::add_data`]'s
    /// checks.
    pub fn from_rows<K: Into<Key>>(
        columns: impl IntoIterator<Item = K>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<Table> {
        Self::from_rows_with(columns, rows, TableOptions::default())
    }

    /// `Table(columns=columns, data=rows, dtype=..., optional=..., allow_mixed_types=...,
    /// log_mode=...)`.
    pub fn from_rows_with<K: Into<Key>>(
        columns: impl IntoIterator<Item = K>,
        rows: Vec<Vec<Cell>>,
        options: TableOptions,
    ) -> Result<Table> {
        let columns = columns.into_iter().map(Into::into).collect();
        let dtype = if options.allow_mixed_types {
            Dtype::All(Type::Any)
        } else {
            options.dtype
        };
        let mut t = Table::empty(columns, options.log_mode);
        t.row_limit = options.row_limit;
        t.make_column_types(dtype, options.optional)?;
        t.add_rows(rows)?;
        Ok(t)
    }

    /// A table from whole columns: the same table (and types) as `from_rows` of the transposed
    /// data, built a column at a time.
    pub fn from_columns<K: Into<Key>>(columns: Vec<(K, Vec<Cell>)>) -> Result<Table> {
        Self::from_columns_with(columns, TableOptions::default())
    }

    /// [`Table::from_columns`] with the constructor's settings.
    pub fn from_columns_with<K: Into<Key>>(
        columns: Vec<(K, Vec<Cell>)>,
        options: TableOptions,
    ) -> Result<Table> {
        let (names, cols): (Vec<Key>, Vec<Vec<Cell>>) =
            columns.into_iter().map(|(k, v)| (k.into(), v)).unzip();
        let nrows = cols.first().map_or(0, Vec::len);
        if let Some((i, c)) = cols.iter().enumerate().find(|(_, c)| c.len() != nrows) {
            return Err(Error::value(format!(
                "column {} has {} values, expected {nrows} like the first column",
                names[i].py_repr(),
                c.len()
            )));
        }
        let transposed = |cols: &[Vec<Cell>]| {
            (0..nrows)
                .map(|r| cols.iter().map(|c| c[r].clone()).collect())
                .collect()
        };
        let plain = matches!(options.dtype, Dtype::Infer)
            && matches!(options.optional, Optional::All(true))
            && !options.allow_mixed_types
            && options.log_mode == LogMode::Immutable;
        if !plain {
            return Self::from_rows_with(names, transposed(&cols), options);
        }
        let mut t = Table::new(names);
        t.row_limit = options.row_limit;
        let mut types = t.types.clone();
        for (i, col) in cols.iter().enumerate() {
            for cell in col {
                if fits(&types[i], cell) {
                    continue;
                }
                let nt = types[i].assign(cell);
                if nt.is_invalid() {
                    // Let the row path produce the SDK's message.
                    return Self::from_rows_with(t.columns.clone(), transposed(&cols), options);
                }
                types[i] = nt;
            }
        }
        t.types = types;
        let mut cols: Vec<_> = cols.into_iter().map(Vec::into_iter).collect();
        t.rows = (0..nrows)
            .map(|_| {
                cols.iter_mut()
                    .map(|c| c.next().unwrap_or_default())
                    .collect()
            })
            .collect();
        t.nrows = nrows;
        Ok(t)
    }

    /// `Table(columns, data=ndarray)` for a 2-D array of numbers or booleans: one row per
    /// array row (the SDK's `from_ndarray`, for any element type a [`Cell`] holds).
    ///
    /// ```
    /// use wb_table::Table;
    /// let a = ndarray::array![[1.0, 2.0], [3.0, 4.5]];
    /// let t = Table::from_array(["x", "y"], a.view())?;
    /// assert_eq!(t.nrows(), 2);
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_array<K: Into<Key>, A: Clone + Into<Cell>>(
        columns: impl IntoIterator<Item = K>,
        data: ndarray::ArrayView2<'_, A>,
    ) -> Result<Table> {
        Self::from_array_with(columns, data, TableOptions::default())
    }

    /// [`Table::from_array`] with the constructor's settings.
    pub fn from_array_with<K: Into<Key>, A: Clone + Into<Cell>>(
        columns: impl IntoIterator<Item = K>,
        data: ndarray::ArrayView2<'_, A>,
        options: TableOptions,
    ) -> Result<Table> {
        let rows = data
            .rows()
            .into_iter()
            .map(|r| r.iter().map(|v| v.clone().into()).collect())
            .collect();
        Self::from_rows_with(columns, rows, options)
    }

    /// The table as it is now, with the same identity and log state: what to log when the
    /// same table is logged again after changes, so that its [`LogMode`] applies (`MUTABLE`
    /// writes a new version after a change, `INCREMENTAL` only the rows added since). Logging
    /// a snapshot of an unchanged `IMMUTABLE` table re-uses the first log.
    pub fn snapshot(&self) -> Table {
        Table {
            columns: self.columns.clone(),
            rows: self.rows.clone(),
            nrows: self.nrows,
            types: self.types.clone(),
            log_mode: self.log_mode,
            pk_col: self.pk_col.clone(),
            row_limit: self.row_limit,
            uid: self.uid,
            state: Arc::clone(&self.state),
        }
    }

    /// `_make_column_types`: casts every column to its dtype (optional when asked).
    fn make_column_types(&mut self, dtype: Dtype, optional: Optional) -> Result<()> {
        let n = self.columns.len();
        let dtypes = match dtype {
            Dtype::Infer => vec![Type::Unknown; n],
            Dtype::All(t) => vec![t; n],
            Dtype::PerColumn(v) => v,
        };
        let opts = match optional {
            Optional::All(b) => vec![b; n],
            Optional::PerColumn(v) => v,
        };
        if dtypes.len() != n || opts.len() != n {
            return Err(Error::value(format!(
                "dtype and optional lists must have one entry per column: {n} columns, {} dtypes, {} optional flags",
                dtypes.len(),
                opts.len()
            )));
        }
        self.types = vec![Type::Unknown; n];
        for (i, (dt, opt)) in dtypes.into_iter().zip(opts).enumerate() {
            let col = self.columns[i].clone();
            let nulls = if opt {
                Nullability::Optional
            } else {
                Nullability::Required
            };
            self.cast(&col, dt, nulls)?;
        }
        Ok(())
    }

    /// `add_data` for each row in turn. Rows whose cells all fit the column types as they are
    /// (the usual case after the first row) are checked with checks made once per column type
    /// and moved in; any other row goes through `add_data`, which may widen the types.
    fn add_rows(&mut self, rows: Vec<Vec<Cell>>) -> Result<()> {
        let n = self.columns.len();
        let mut rows = rows;
        if self.rows.is_empty() {
            // The usual case, a new table: rows are checked where they are (widening the types
            // as `add_data` would), then become the table's without moving a cell. A row
            // holding a table index (which casts its column) and anything after it take the
            // general path below.
            let mut fit = 0;
            while fit < rows.len() {
                let checks: Vec<FastFit<'_>> = self.types.iter().map(FastFit::of).collect();
                fit += leading_fits(&rows[fit..], &checks);
                drop(checks);
                let Some(row) = rows.get(fit) else { break };
                if row.len() != n || row.iter().any(|c| matches!(c, Cell::Index(_))) {
                    break;
                }
                if let Some(types) = self.widened_types(row)? {
                    self.types = types;
                }
                fit += 1;
            }
            let rest = rows.split_off(fit);
            if fit > 0 {
                self.before_mutation();
                self.nrows = fit;
                self.rows = rows;
                self.after_append();
            }
            rows = rest;
        }
        self.rows.reserve(rows.len());
        let mut rows = rows.into_iter();
        loop {
            let checks: Vec<FastFit<'_>> = self.types.iter().map(FastFit::of).collect();
            let mut other = None;
            for row in rows.by_ref() {
                if !row_fits(&row, &checks) {
                    other = Some(row);
                    break;
                }
                if self.log_mode == LogMode::Mutable {
                    self.before_mutation();
                }
                self.rows.push(row);
                self.nrows += 1;
                if self.log_mode == LogMode::Incremental {
                    self.after_append();
                }
            }
            match other {
                Some(row) => self.add_data(row)?,
                None => return Ok(()),
            }
        }
    }

    /// The column names.
    pub fn columns(&self) -> &[Key] {
        &self.columns
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.columns.len()
    }

    /// What writing more than [`Table::MAX_ARTIFACT_ROWS`] rows into an artifact does (set
    /// with [`TableOptions::with_row_limit`]).
    pub fn row_limit(&self) -> RowLimit {
        self.row_limit
    }

    /// The log mode.
    pub fn log_mode(&self) -> LogMode {
        self.log_mode
    }

    /// The column types as the SDK's `_column_types` (a `typedDict`).
    pub fn column_types(&self) -> Type {
        Type::TypedDict(
            self.columns
                .iter()
                .cloned()
                .zip(self.types.iter().cloned())
                .collect(),
        )
    }

    /// The type of one column.
    pub fn column_type(&self, name: &Key) -> Option<&Type> {
        self.col_index(name).map(|i| &self.types[i])
    }

    /// The cell at `row`, `col`.
    pub fn cell(&self, row: usize, col: usize) -> Option<&Cell> {
        self.rows.get(row)?.get(col)
    }

    /// Row `r` (cloned cells).
    pub fn row(&self, r: usize) -> Option<Vec<Cell>> {
        self.rows.get(r).cloned()
    }

    /// Every row, in order (cloned cells; `iterrows`).
    pub fn rows(&self) -> impl Iterator<Item = Vec<Cell>> + '_ {
        self.rows.iter().cloned()
    }

    fn col_index(&self, name: &Key) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    fn require_col(&self, name: &Key) -> Result<usize> {
        self.col_index(name).ok_or_else(|| {
            Error::value(format!(
                "column {} is not one of the table's columns {}",
                name.py_repr(),
                list_repr(&self.columns)
            ))
        })
    }

    /// The `allow_relogging_after_mutation` rule, run before every change.
    fn before_mutation(&self) {
        if self.log_mode == LogMode::Mutable
            && let Ok(mut s) = self.state.lock()
        {
            s.run_file = None;
            s.urls = None;
        }
    }

    /// `allow_incremental_logging_after_append`, run after `add_data`.
    fn after_append(&self) {
        if self.log_mode != LogMode::Incremental {
            return;
        }
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if s.run_file.is_none() && s.urls.is_none() {
            return;
        }
        if let Some(url) = s.urls.take().map(|u| u.0) {
            s.previous_paths.get_or_insert_with(Vec::new).push(url);
        }
        s.run_file = None;
        s.increment_num = Some(s.increment_num.map_or(0, |n| n + 1));
    }

    /// `add_data(*row)`: appends a row after checking its length and that every cell fits its
    /// column's type (the column types are updated, as the SDK refines `Unknown`).
    pub fn add_data(&mut self, row: Vec<Cell>) -> Result<()> {
        if row.len() != self.columns.len() {
            return Err(Error::value(format!(
                "This table expects {} columns: {}, found {}",
                self.columns.len(),
                list_repr(&self.columns),
                row.len()
            )));
        }
        self.before_mutation();
        // A row index pre-casts its column to a foreign index of its table, as the SDK does.
        for (i, cell) in row.iter().enumerate() {
            if let Cell::Index(_) = cell
                && !fits(&self.types[i], cell)
            {
                let col = self.columns[i].clone();
                self.cast(col, type_of(cell), Nullability::Required)?;
            }
        }
        if let Some(t) = self.widened_types(&row)? {
            self.types = t;
        }
        self.rows.push(row);
        self.nrows += 1;
        self.after_append();
        Ok(())
    }

    /// The column types once `row` (of the right length) is added, `None` when they stay as
    /// they are, or the SDK's error for a row whose cells cannot join their columns.
    fn widened_types(&self, row: &[Cell]) -> Result<Option<Vec<Type>>> {
        let mut changed: Option<Vec<Type>> = None;
        for (i, cell) in row.iter().enumerate() {
            let cur = changed.as_ref().map_or(&self.types[i], |t| &t[i]);
            if fits(cur, cell) {
                continue;
            }
            let nt = cur.assign(cell);
            if nt.is_invalid() {
                let current = self.column_types();
                let row_dict = Cell::Dict(Box::new(
                    self.columns
                        .iter()
                        .cloned()
                        .zip(row.iter().cloned())
                        .collect(),
                ));
                return Err(Error::type_error(format!(
                    "Data row contained incompatible types:\n{}",
                    current.explain(&row_dict, 0)
                )));
            }
            changed.get_or_insert_with(|| self.types.clone())[i] = nt;
        }
        Ok(changed)
    }

    /// `get_index()`: a link to every row, for another table's column (typed `foreignIndex`).
    #[doc(alias = "get_index")]
    pub fn index(&self) -> Vec<Cell> {
        let table = Arc::new(self.snapshot());
        (0..self.nrows)
            .map(|row| {
                Cell::Index(crate::cell::TableIndex {
                    row,
                    table: table.clone(),
                })
            })
            .collect()
    }

    /// `index_ref(i)`: a link to row `i`.
    pub fn index_ref(&self, i: usize) -> Result<Cell> {
        if i >= self.nrows {
            return Err(Error::value(format!(
                "index_ref: row {i} is out of range for a table of {} rows",
                self.nrows
            )));
        }
        Ok(Cell::Index(crate::cell::TableIndex {
            row: i,
            table: Arc::new(self.snapshot()),
        }))
    }

    /// `add_column(name, data, optional)`: a new column of `data`, typed from its values.
    pub fn add_column(&mut self, name: &str, data: Vec<Cell>, nulls: Nullability) -> Result<()> {
        if self.log_mode == LogMode::Incremental {
            return Err(Error::Unsupported(
                "Operation 'add_column' is not supported for tables with log_mode='INCREMENTAL'. Use a different log mode like 'MUTABLE' or 'IMMUTABLE'.".into(),
            ));
        }
        let key = Key::from(name);
        if self.columns.contains(&key) {
            return Err(Error::value(format!(
                "add_column: a column named {} already exists; column names must be new strings",
                key.py_repr()
            )));
        }
        let first = self.columns.is_empty();
        if !first && data.len() != self.nrows {
            return Err(Error::value(format!(
                "Expected length {}, found {}",
                self.nrows,
                data.len()
            )));
        }
        self.before_mutation();
        let saved_rows = self.nrows;
        let mut saved = Vec::new();
        if first {
            self.nrows = data.len();
            saved = std::mem::replace(&mut self.rows, data.into_iter().map(|c| vec![c]).collect());
        } else {
            for (row, cell) in self.rows.iter_mut().zip(data) {
                row.push(cell);
            }
        }
        self.columns.push(key.clone());
        self.types.push(Type::Unknown);
        if let Err(e) = self.cast(&key, Type::Unknown, nulls) {
            self.columns.pop();
            if first {
                self.rows = saved;
            } else {
                for row in &mut self.rows {
                    row.pop();
                }
            }
            self.types.pop();
            self.nrows = saved_rows;
            return Err(e);
        }
        Ok(())
    }

    /// `add_computed_columns(fn)`: `f(row_index, row)` returns the new columns' values for
    /// each row (by name); the columns are then added with [`Table::add_column`].
    pub fn add_computed_columns<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(usize, &indexmap::IndexMap<Key, Cell>) -> indexmap::IndexMap<String, Cell>,
    {
        if self.log_mode == LogMode::Incremental {
            return Err(Error::Unsupported(
                "Operation 'add_computed_columns' is not supported for tables with log_mode='INCREMENTAL'. Use a different log mode like 'MUTABLE' or 'IMMUTABLE'.".into(),
            ));
        }
        let mut new_cols: indexmap::IndexMap<String, Vec<Cell>> = indexmap::IndexMap::new();
        for (r, cells) in self.rows.iter().enumerate() {
            let row: indexmap::IndexMap<Key, Cell> = self
                .columns
                .iter()
                .cloned()
                .zip(cells.iter().cloned())
                .collect();
            for (k, v) in f(r, &row) {
                new_cols.entry(k).or_default().push(v);
            }
        }
        for (name, data) in new_cols {
            self.add_column(&name, data, Nullability::Required)?;
        }
        Ok(())
    }

    /// `get_column(name)`: the column's cells.
    #[doc(alias = "get_column")]
    pub fn column(&self, name: impl Into<Key>) -> Result<Vec<&Cell>> {
        let i = self.require_col(&name.into())?;
        Ok(self.column_cells(i).collect())
    }

    /// The cells of column `i`, row by row.
    pub(crate) fn column_cells(&self, i: usize) -> impl Iterator<Item = &Cell> + '_ {
        self.rows.iter().map(move |r| &r[i])
    }

    /// `get_column(name, convert_to="numpy")` for a column of equally shaped arrays or of
    /// numbers: the stacked array.
    #[doc(alias = "get_column")]
    pub fn column_array(&self, name: impl Into<Key>) -> Result<NdArray> {
        let col = self.column(name)?;
        // Arrays of any rank, and nested lists beside them, stack as numpy stacks them.
        if col.iter().any(|c| matches!(c, Cell::NdArray(_)))
            && col
                .iter()
                .all(|c| matches!(c, Cell::NdArray(_) | Cell::List(_)))
        {
            return crate::nd_stack::stack_column(&col);
        }
        if col.iter().all(|c| matches!(c, Cell::Int(_))) {
            let v = col
                .iter()
                .filter_map(|c| if let Cell::Int(i) = c { Some(*i) } else { None })
                .collect();
            return Ok(NdArray::vector(crate::nd_array::NdData::I64(v)));
        }
        let v = col
            .iter()
            .map(|c| match c {
                Cell::Int(i) => Ok(*i as f64),
                Cell::Float(f) => Ok(*f),
                Cell::Null => Ok(f64::NAN),
                other => Err(Error::type_error(format!(
                    "cannot convert {} to a numeric numpy array",
                    other.py_repr()
                ))),
            })
            .collect::<Result<Vec<f64>>>()?;
        Ok(NdArray::vector(crate::nd_array::NdData::F64(v)))
    }

    /// `cast(col, dtype, optional)`: sets a column's type after checking every existing value.
    pub fn cast(&mut self, col: impl Into<Key>, dtype: Type, nulls: Nullability) -> Result<Type> {
        let key = col.into();
        let optional = nulls == Nullability::Optional;
        let i = self.require_col(&key)?;
        self.before_mutation();
        let mut wbtype = if optional {
            Type::optional(dtype)
        } else {
            dtype
        };
        for cell in self.column_cells(i) {
            let r = wbtype.assign(cell);
            if r.is_invalid() {
                return Err(Error::type_error(format!(
                    "Existing data {}, of type {} cannot be cast to {wbtype}",
                    cell.py_str(),
                    type_of(cell)
                )));
            }
            wbtype = r;
        }
        let is_pk = matches!(wbtype, Type::PrimaryKey);
        let is_key = is_pk || matches!(wbtype, Type::ForeignKey { .. } | Type::ForeignIndex { .. });
        if is_key && optional {
            return Err(Error::value(
                "Primary keys, foreign keys, and foreign indexes cannot be optional.",
            ));
        }
        if is_pk && let Some(pk) = &self.pk_col {
            return Err(Error::value(format!(
                "Cannot have multiple primary keys - {pk} is already set as the primary key."
            )));
        }
        if !is_pk && self.pk_col.as_ref() == Some(&key) {
            return Err(Error::value(format!(
                "Cannot unset primary key (column {key})"
            )));
        }
        if matches!(
            self.types[i],
            Type::ForeignKey { .. } | Type::ForeignIndex { .. }
        ) && !matches!(wbtype, Type::ForeignKey { .. } | Type::ForeignIndex { .. })
        {
            return Err(Error::value(format!(
                "Cannot unset foreign key. Attempted to unset ({{{}}})",
                key.py_repr()
            )));
        }
        if is_pk {
            self.pk_col = Some(key);
        }
        self.types[i] = wbtype.clone();
        Ok(wbtype)
    }

    /// `set_pk(col)`: the column becomes the primary key.
    pub fn set_pk(&mut self, col: impl Into<Key>) -> Result<()> {
        self.cast(col, Type::PrimaryKey, Nullability::Required)
            .map(drop)
    }

    /// `set_fk(col, table, table_col)`: the column refers to `table_col` of `table`.
    pub fn set_fk(
        &mut self,
        col: impl Into<Key>,
        table: &Arc<Table>,
        table_col: &str,
    ) -> Result<()> {
        let key = col.into();
        if self.pk_col.as_ref() == Some(&key) {
            return Err(Error::value(format!(
                "column {} is the primary key and cannot also be a foreign key",
                key.py_repr()
            )));
        }
        if table.col_index(&Key::from(table_col)).is_none() {
            return Err(Error::value(format!(
                "the referenced table has no column {table_col:?}"
            )));
        }
        if table.uid == self.uid {
            return Err(Error::value(
                "Cannot set a foreign table reference to same table.",
            ));
        }
        let fk = Type::ForeignKey {
            table: table.clone(),
            col_name: table_col.to_owned(),
        };
        self.cast(key, fk, Nullability::Required).map(drop)
    }

    /// The column types as the artifact form writes them: a column typed as a 1-D ndarray of
    /// at most 150 (`Table._MAX_EMBEDDING_DIMENSIONS`) becomes `list` of `number` of that length.
    pub fn written_types(&self) -> Type {
        Type::TypedDict(
            self.columns
                .iter()
                .cloned()
                .zip(self.types.iter().map(|t| match t.ndarray_member() {
                    Some(Type::NdArray { shape, .. })
                        if shape.len() == 1 && shape[0] <= MAX_EMBEDDING_DIMENSIONS =>
                    {
                        Type::List {
                            element: Box::new(Type::Number),
                            length: Some(shape[0]),
                        }
                    }
                    _ => t.clone(),
                }))
                .collect(),
        )
    }

    /// The table's equality (`Table.__eq__`): same rows, columns, column types and cells.
    /// Short 1-D ndarray columns compare as the `list` type the artifact form gives them (the
    /// SDK rewrites its own column type that way when it serializes the table).
    pub fn table_eq(&self, other: &Table) -> bool {
        self.nrows == other.nrows
            && self.columns == other.columns
            && self.written_types() == other.written_types()
            && self
                .rows
                .iter()
                .zip(&other.rows)
                .all(|(a, b)| a.iter().zip(b).all(|(x, y)| x.cell_eq(y)))
    }

    /// The first difference between two tables (for tests and reports), `None` when equal.
    pub fn difference(&self, other: &Table) -> Option<String> {
        if self.nrows != other.nrows {
            return Some(format!(
                "Found {} rows, expected {}",
                other.nrows, self.nrows
            ));
        }
        if self.columns != other.columns {
            return Some(format!(
                "Found columns {}, expected {}",
                list_repr(&other.columns),
                list_repr(&self.columns)
            ));
        }
        if self.written_types() != other.written_types() {
            return Some(format!(
                "Found column type {}, expected column type {}",
                other.column_types(),
                self.column_types()
            ));
        }
        // Row by row, as the SDK's `_eq_debug` looks.
        for (r, (a, b)) in self.rows.iter().zip(&other.rows).enumerate() {
            for (c, (x, y)) in a.iter().zip(b).enumerate() {
                if !x.cell_eq(y) {
                    return Some(format!(
                        "Unequal data at row_ndx {r} col_ndx {c}: found {}, expected {}",
                        y.py_str(),
                        x.py_str()
                    ));
                }
            }
        }
        None
    }
}

/// Whether `row` has one cell per check (one per column) and each fits as it is.
fn row_fits(row: &[Cell], checks: &[FastFit<'_>]) -> bool {
    row.len() == checks.len() && row.iter().zip(checks).all(|(c, k)| k.fits(c))
}

/// How many rows, from the first, fit `checks` as they are.
fn leading_fits(rows: &[Vec<Cell>], checks: &[FastFit<'_>]) -> usize {
    rows.iter().take_while(|row| row_fits(row, checks)).count()
}

/// [`fits`] for one column type, with the common types (and optional ones, a union with
/// `none`) checked inline.
enum FastFit<'a> {
    Number,
    String,
    Boolean,
    None,
    NumberList(usize),
    /// Members in order; `true` marks a simple one (a match ends the search, a miss goes on)
    /// and `false` one that decides (as [`fits`] walks a union).
    Union(Vec<(FastFit<'a>, bool)>),
    Other(&'a Type),
}

impl<'a> FastFit<'a> {
    fn of(t: &'a Type) -> Self {
        match t {
            Type::Number => FastFit::Number,
            Type::String => FastFit::String,
            Type::Boolean => FastFit::Boolean,
            Type::None => FastFit::None,
            Type::List {
                element,
                length: Some(n),
            } if **element == Type::Number => FastFit::NumberList(*n),
            Type::Union(ts) => FastFit::Union(
                ts.iter()
                    .filter(|m| **m != Type::Unknown)
                    .map(|m| {
                        let simple = matches!(
                            m,
                            Type::Any
                                | Type::Number
                                | Type::String
                                | Type::Boolean
                                | Type::Timestamp
                                | Type::None
                        );
                        (FastFit::of(m), simple)
                    })
                    .collect(),
            ),
            t => FastFit::Other(t),
        }
    }

    #[inline]
    fn fits(&self, c: &Cell) -> bool {
        let number = |c: &Cell| match c {
            Cell::Int(_) => true,
            Cell::Float(f) => !f.is_nan(),
            _ => false,
        };
        match self {
            FastFit::Number => number(c),
            FastFit::String => matches!(c, Cell::Str(_)),
            FastFit::Boolean => matches!(c, Cell::Bool(_)),
            FastFit::None => c.is_none_typed(),
            FastFit::NumberList(n) => {
                matches!(c, Cell::List(items) if items.len() == *n && items.iter().all(number))
            }
            FastFit::Union(members) => {
                for (m, simple) in members {
                    if m.fits(c) {
                        return true;
                    }
                    if !simple {
                        return false;
                    }
                }
                false
            }
            FastFit::Other(t) => fits(t, c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_fit_agrees_with_fits() {
        let nlist = |n| Type::List {
            element: Box::new(Type::Number),
            length: Some(n),
        };
        let types = vec![
            Type::Number,
            Type::String,
            Type::Boolean,
            Type::None,
            Type::Any,
            Type::Unknown,
            Type::Timestamp,
            nlist(3),
            nlist(2),
            Type::list(Type::Number),
            Type::optional(Type::Number),
            Type::optional(Type::String),
            Type::optional(nlist(3)),
            Type::union([Type::Number, Type::String]),
            Type::union([Type::Number, Type::String, Type::None]),
            Type::union([nlist(3), Type::Number]),
            // Unsorted, a decisive member first, as a hand-built union may be.
            Type::Union(vec![nlist(3), Type::None]),
            Type::Union(vec![Type::Unknown, Type::Boolean]),
            Type::optional(Type::list(Type::String)),
        ];
        let cells = vec![
            Cell::Null,
            Cell::Int(1),
            Cell::Float(0.5),
            Cell::Float(f64::NAN),
            Cell::Str("s".into()),
            Cell::Bool(true),
            Cell::List(vec![Cell::Int(1), Cell::Float(2.0), Cell::Int(3)]),
            Cell::List(vec![Cell::Int(1), Cell::Int(2)]),
            Cell::List(vec![Cell::Int(1), Cell::Float(f64::NAN), Cell::Int(3)]),
            Cell::List(vec![Cell::Int(1), Cell::Str("x".into()), Cell::Int(3)]),
            Cell::List(vec![]),
        ];
        for t in &types {
            for c in &cells {
                assert_eq!(FastFit::of(t).fits(c), fits(t, c), "{t:?} / {c:?}");
            }
        }
    }

    #[test]
    fn rows_that_widen_the_types_give_the_same_table_as_add_data() {
        // The fast path hands a row that does not fit to add_data, then goes on with the
        // widened types: the result equals adding each row with add_data.
        let rows = vec![
            vec![Cell::Int(1), Cell::Str("a".into())],
            vec![Cell::Float(2.5), Cell::Null],
            vec![Cell::Null, Cell::Str("c".into())],
            vec![Cell::Int(4), Cell::Str("d".into())],
        ];
        let bulk = Table::from_rows(["n", "s"], rows.clone()).unwrap();
        let mut one = Table::new(["n", "s"]);
        for r in rows {
            one.add_data(r).unwrap();
        }
        assert_eq!(bulk.column_types(), one.column_types());
        assert_eq!(bulk.nrows(), 4);
        assert!(bulk.table_eq(&one));
        // A row that cannot fit is the same error either way.
        let bad = vec![vec![Cell::Int(1)], vec![Cell::Str("x".into())]];
        let strict = || TableOptions::default().with_optional(Optional::All(false));
        let e1 = Table::from_rows_with(["n"], bad.clone(), strict())
            .unwrap_err()
            .to_string();
        let mut t = Table::from_rows_with(["n"], Vec::new(), strict()).unwrap();
        t.add_data(bad[0].clone()).unwrap();
        let e2 = t.add_data(bad[1].clone()).unwrap_err().to_string();
        assert_eq!(e1, e2);
        assert!(e1.contains("incompatible"), "{e1}");
    }
}
