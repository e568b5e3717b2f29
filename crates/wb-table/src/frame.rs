//! Arrow and Parquet (filled below).
