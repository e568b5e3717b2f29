"""Writes pyarrow_written.parquet (read by tests/frame.rs) and checks a Parquet file written by
wb-table (argument 1) reads back in pyarrow equal to the same data:

    /work/venv-ref/bin/python make_frame_golden.py [ours.parquet]
"""
import datetime, os, sys
import pyarrow as pa, pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
utc = datetime.timezone.utc
EXPECTED = {
    "i": [1, None, 3],
    "f": [0.5, float("inf"), None],
    "s": ["a", "h\u00e9", None],
    "b": [True, False, None],
    "t": [datetime.datetime(2020, 1, 1, 12, tzinfo=utc), None, datetime.datetime(2021, 6, 30, 1, 2, 3, 500000, tzinfo=utc)],
    "l": [[1.5, 2.0], [], None],
}
schema = pa.schema([("i", pa.int64()), ("f", pa.float64()), ("s", pa.string()), ("b", pa.bool_()),
                    ("t", pa.timestamp("us", tz="UTC")), ("l", pa.list_(pa.float64()))])

if len(sys.argv) > 1:
    got = pq.read_table(sys.argv[1])
    want = pa.table(EXPECTED, schema=schema)
    assert got.schema.equals(want.schema), f"schema {got.schema} != {want.schema}"
    assert got.equals(want), f"{got.to_pylist()} != {want.to_pylist()}"
    print("pyarrow reads the wb-table file equal:", got.num_rows, "rows")
else:
    pq.write_table(pa.table(EXPECTED, schema=schema), os.path.join(HERE, "pyarrow_written.parquet"))
