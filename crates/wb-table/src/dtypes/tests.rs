//! Type-system unit tests; expected values printed by wandb 0.31.0's `_dtypes` for the same
//! inputs (see also tests/golden.rs, which checks every error text of the table cases).

use super::*;
use crate::cell::Cell;

#[test]
fn unions_are_sorted_by_repr() {
    // `str(OptionalType(NumberType()))` etc. in the SDK.
    assert_eq!(Type::optional(Type::Number).to_string(), "None or Number");
    assert_eq!(Type::optional(Type::Boolean).to_string(), "Boolean or None");
    assert_eq!(Type::optional(Type::Unknown).to_string(), "None or Unknown");
    assert_eq!(Type::optional(Type::Any).to_string(), "Any or None");
    assert_eq!(
        Type::optional(Type::list(Type::Number)).to_string(),
        "None or Number[]"
    );
    assert_eq!(
        Type::optional(Type::ndarray(vec![3])).to_string(),
        "Ndarray(shape:[3]) or None"
    );
    assert_eq!(
        Type::optional(Type::typed_dict([("a", Type::String)])).to_string(),
        "None or {'a': String}"
    );
    assert_eq!(
        Type::optional(Type::media("audio-file")).to_string(),
        "Audio-file or None"
    );
    // Nested unions flatten.
    let u = Type::union([Type::optional(Type::String), Type::Number]);
    assert_eq!(u.to_string(), "None or Number or String");
}

#[test]
fn inference_and_assignment() {
    let t = Type::optional(Type::Unknown);
    let t = t.assign(&Cell::Int(1));
    assert_eq!(t.to_string(), "None or Number");
    assert!(
        t.assign(&Cell::Bool(true)).is_invalid(),
        "a bool is not a number"
    );
    assert_eq!(t.assign(&Cell::Float(f64::NAN)), t, "NaN is typed none");
    // A list's element type comes from all its items; its length is the last list's.
    let l = type_of(&Cell::List(vec![Cell::Int(1), Cell::Null]));
    assert_eq!(l.to_string(), "None or Number[]");
    let l2 = l.assign(&Cell::List(vec![Cell::Int(1), Cell::Int(2), Cell::Int(3)]));
    assert!(matches!(
        l2,
        Type::List {
            length: Some(3),
            ..
        }
    ));
    // Any rejects None only.
    assert!(Type::Any.assign(&Cell::Null).is_invalid());
    assert_eq!(Type::Any.assign(&Cell::Str("x".into())), Type::Any);
}

#[test]
fn explain_texts() {
    let t = Type::typed_dict([("a", Type::optional(Type::Number))]);
    let row = Cell::from_dict([("a", Cell::Str("s".into()))]);
    assert_eq!(
        t.explain(&row, 0),
        "{'a': 's'} of type {'a': String} is not assignable to {'a': None or Number}\nKey 'a':\n\tString not assignable to None or Number\n\t\tString not assignable to None\n\tand\n\t\tString not assignable to Number"
    );
}

#[test]
fn json_round_trip() -> wb_core::Result<()> {
    let t = Type::typed_dict([
        ("a", Type::optional(Type::Number)),
        ("b", Type::list(Type::String)),
        ("c", Type::ndarray(vec![2, 2])),
        ("d", Type::PythonObject("Foo".into())),
        ("e", Type::constant(5)),
    ]);
    let j = t.to_json()?;
    assert_eq!(type_from_json(&j, None)?, t);
    assert_eq!(
        wb_core::json::to_string(&j, wb_core::json::Dialect::Python),
        "{\"params\": {\"type_map\": {\"a\": {\"params\": {\"allowed_types\": [{\"wb_type\": \"none\"}, {\"wb_type\": \"number\"}]}, \"wb_type\": \"union\"}, \"b\": {\"params\": {\"element_type\": {\"wb_type\": \"string\"}, \"length\": null}, \"wb_type\": \"list\"}, \"c\": {\"params\": {\"serialization_path\": null, \"shape\": [2, 2]}, \"wb_type\": \"ndarray\"}, \"d\": {\"params\": {\"class_name\": \"Foo\"}, \"wb_type\": \"pythonObject\"}, \"e\": {\"params\": {\"is_set\": false, \"val\": 5}, \"wb_type\": \"const\"}}}, \"wb_type\": \"typedDict\"}"
    );
    // Legacy names and unknown names.
    let legacy = wb_core::json::parse(r#"{"wb_type": "dictionary", "params": {"type_map": {}}}"#)?;
    assert_eq!(type_from_json(&legacy, None)?, Type::TypedDict(vec![]));
    let bad = wb_core::json::parse(r#"{"wb_type": "nope"}"#)?;
    assert_eq!(
        type_from_json(&bad, None).unwrap_err().to_string(),
        "missing type handler for nope"
    );
    Ok(())
}
