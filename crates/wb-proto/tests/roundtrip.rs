//! Every message kind a client sends to wandb-core or reads back survives encode + decode.
#![recursion_limit = "512"]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use prost::Message;
use wb_proto::*;

fn round_trip<M: Message + Default + PartialEq + std::fmt::Debug>(m: &M) {
    let bytes = m.encode_to_vec();
    let back = M::decode(bytes.as_slice()).unwrap();
    assert_eq!(&back, m);
    assert_eq!(back.encode_to_vec(), bytes, "re-encoding changed the bytes");
}

#[test]
fn server_requests_round_trip() {
    for (_, req, _) in common::server_requests() {
        round_trip(&req);
    }
}

#[test]
fn server_responses_round_trip() {
    for (_, resp, _) in common::server_responses() {
        round_trip(&resp);
    }
}

#[test]
fn records_with_raw_kinds_keep_their_bytes() {
    // A request kind we keep raw (check_version) inside a record, and a record kind kept raw
    // (telemetry): their bytes come back unchanged.
    let rec = Record {
        num: 7,
        record_type: Some(RecordType::Request(Request {
            request_type: Some(RequestType::CheckVersion(vec![
                10, 6, b'0', b'.', b'3', b'1', b'.', b'0',
            ])),
        })),
        ..Default::default()
    };
    round_trip(&rec);
    let rec = Record {
        record_type: Some(RecordType::Telemetry(vec![8, 1, 16, 2])),
        ..Default::default()
    };
    round_trip(&rec);
}

#[test]
fn unknown_fields_are_skipped() {
    // A ServerResponse with a field number we do not model (900, a varint) before a known one.
    let mut bytes = vec![0xa0, 0x38, 0x01];
    bytes.extend(
        ServerResponse {
            request_id: "r1".into(),
            server_response_type: Some(ServerResponseType::InformInitResponse(Empty {})),
        }
        .encode_to_vec(),
    );
    let back = ServerResponse::decode(bytes.as_slice()).unwrap();
    assert_eq!(back.request_id, "r1");
    assert!(matches!(
        back.server_response_type,
        Some(ServerResponseType::InformInitResponse(_))
    ));
}
