//! Messages used by the round-trip and differential tests, each with the same fields written as
//! the protobuf JSON mapping (field names as in the `.proto` files), for Python's `ParseDict`.
#![allow(dead_code)]

use serde_json::{Value, json};
use wb_proto::*;

fn info(stream: &str) -> Option<RecordInfo> {
    Some(RecordInfo {
        stream_id: stream.into(),
        ..Default::default()
    })
}

fn settings() -> Settings {
    Settings {
        api_key: Some("k".repeat(40)),
        base_url: Some("http://127.0.0.1:8080".into()),
        run_id: Some("abc123".into()),
        project: Some("proj".into()),
        entity: Some(String::new()),
        mode: Some("online".into()),
        offline: Some(false),
        root_dir: Some("/tmp/r".into()),
        wandb_dir: Some("/tmp/r/wandb".into()),
        sync_dir: Some("/tmp/r/wandb/run-x".into()),
        sync_file: Some("/tmp/r/wandb/run-x/run-abc123.wandb".into()),
        log_dir: Some("/tmp/r/wandb/run-x/logs".into()),
        log_internal: Some("/tmp/r/wandb/run-x/logs/debug-internal.log".into()),
        x_start_time: Some(1_765_000_000.25),
        x_disable_stats: Some(true),
        x_disable_meta: Some(true),
        x_stats_pid: Some(4242),
        x_graphql_retry_max: Some(2),
        x_primary: Some(true),
        x_label: Some("rank-0".into()),
        run_tags: Some(ListStringValue {
            value: vec!["a".into(), "b".into()],
        }),
        x_extra_http_headers: Some(MapStringKeyStringValue {
            value: [("X-A".to_string(), "1".to_string())].into_iter().collect(),
        }),
        ..Default::default()
    }
}

fn settings_json() -> Value {
    json!({
        "api_key": "k".repeat(40),
        "base_url": "http://127.0.0.1:8080",
        "run_id": "abc123",
        "project": "proj",
        "entity": "",
        "mode": "online",
        "_offline": false,
        "root_dir": "/tmp/r",
        "wandb_dir": "/tmp/r/wandb",
        "sync_dir": "/tmp/r/wandb/run-x",
        "sync_file": "/tmp/r/wandb/run-x/run-abc123.wandb",
        "log_dir": "/tmp/r/wandb/run-x/logs",
        "log_internal": "/tmp/r/wandb/run-x/logs/debug-internal.log",
        "x_start_time": 1_765_000_000.25,
        "x_disable_stats": true,
        "x_disable_meta": true,
        "x_stats_pid": 4242,
        "x_graphql_retry_max": 2,
        "x_primary": true,
        "x_label": "rank-0",
        "run_tags": {"value": ["a", "b"]},
        "x_extra_http_headers": {"value": {"X-A": "1"}},
    })
}

fn publish(id: &str, rec: Record) -> ServerRequest {
    ServerRequest {
        request_id: id.into(),
        server_request_type: Some(ServerRequestType::RecordPublish(rec)),
    }
}

fn request_record(slot: &str, r: RequestType) -> Record {
    Record {
        record_type: Some(RecordType::Request(Request {
            request_type: Some(r),
        })),
        control: Some(Control {
            mailbox_slot: slot.into(),
            ..Default::default()
        }),
        info: info("abc123"),
        ..Default::default()
    }
}

/// `(name, message, JSON)` for the client's side of the protocol.
pub fn server_requests() -> Vec<(&'static str, ServerRequest, Value)> {
    let run = RunRecord {
        run_id: "abc123".into(),
        project: "proj".into(),
        display_name: "rust-run".into(),
        tags: vec!["x".into()],
        start_time: Some(Timestamp {
            seconds: 1_765_000_000,
            nanos: 5000,
        }),
        config: Some(ConfigRecord {
            update: vec![ConfigItem {
                key: "lr".into(),
                value_json: "0.001".into(),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let run_json = json!({
        "run_id": "abc123", "project": "proj", "display_name": "rust-run", "tags": ["x"],
        "start_time": "2025-12-06T05:46:40.000005Z",
        "config": {"update": [{"key": "lr", "value_json": "0.001"}]},
    });
    vec![
        (
            "inform_init with every setting",
            ServerRequest {
                request_id: String::new(),
                server_request_type: Some(ServerRequestType::InformInit(ServerInformInitRequest {
                    settings: Some(all_settings().0),
                    info: info("abc123"),
                })),
            },
            json!({"inform_init": {"settings": all_settings().1, "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "inform_init",
            ServerRequest {
                request_id: String::new(),
                server_request_type: Some(ServerRequestType::InformInit(ServerInformInitRequest {
                    settings: Some(settings()),
                    info: info("abc123"),
                })),
            },
            json!({"inform_init": {"settings": settings_json(), "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "run record with a mailbox slot",
            publish(
                "r1",
                Record {
                    record_type: Some(RecordType::Run(run.clone())),
                    control: Some(Control {
                        mailbox_slot: "r1".into(),
                        ..Default::default()
                    }),
                    info: info("abc123"),
                    ..Default::default()
                },
            ),
            json!({"request_id": "r1", "record_publish": {
                "run": run_json.clone(), "control": {"mailbox_slot": "r1"},
                "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "run_start",
            publish(
                "r2",
                request_record(
                    "r2",
                    RequestType::RunStart(RunStartRequest {
                        run: Some(run),
                        info: None,
                    }),
                ),
            ),
            json!({"request_id": "r2", "record_publish": {
                "request": {"run_start": {"run": run_json}}, "control": {"mailbox_slot": "r2"},
                "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "partial_history",
            publish(
                "",
                Record {
                    record_type: Some(RecordType::Request(Request {
                        request_type: Some(RequestType::PartialHistory(PartialHistoryRequest {
                            item: vec![
                                HistoryItem {
                                    key: "loss".into(),
                                    value_json: "0.5".into(),
                                    ..Default::default()
                                },
                                HistoryItem {
                                    nested_key: vec!["eval".into(), "acc".into()],
                                    value_json: "1".into(),
                                    ..Default::default()
                                },
                            ],
                            step: Some(HistoryStep { num: 3 }),
                            action: Some(HistoryAction { flush: true }),
                            info: None,
                        })),
                    })),
                    info: info("abc123"),
                    ..Default::default()
                },
            ),
            json!({"record_publish": {"request": {"partial_history": {
                "item": [{"key": "loss", "value_json": "0.5"},
                         {"nested_key": ["eval", "acc"], "value_json": "1"}],
                "step": {"num": "3"}, "action": {"flush": true}}},
                "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "files",
            publish(
                "",
                Record {
                    record_type: Some(RecordType::Files(FilesRecord {
                        files: vec![
                            FilesItem {
                                path: "media/images/a.png".into(),
                                policy: FilePolicy::Now as i32,
                                file_type: FileType::Other as i32,
                            },
                            FilesItem {
                                path: "output.log".into(),
                                policy: FilePolicy::Live as i32,
                                file_type: FileType::Wandb as i32,
                            },
                        ],
                        info: None,
                    })),
                    info: info("abc123"),
                    ..Default::default()
                },
            ),
            json!({"record_publish": {"files": {"files": [
                {"path": "media/images/a.png", "policy": "NOW", "type": "OTHER"},
                {"path": "output.log", "policy": "LIVE", "type": "WANDB"}]},
                "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "metric",
            publish(
                "",
                Record {
                    record_type: Some(RecordType::Metric(MetricRecord {
                        name: "loss".into(),
                        step_metric: "epoch".into(),
                        step_metric_index: 2,
                        options: Some(MetricOptions {
                            step_sync: true,
                            hidden: true,
                            defined: true,
                        }),
                        summary: Some(MetricSummary {
                            min: true,
                            max: true,
                            mean: true,
                            best: true,
                            last: true,
                            none: true,
                            copy: true,
                            first: true,
                        }),
                        goal: MetricGoal::GoalMinimize as i32,
                        control: Some(MetricControl { overwrite: true }),
                        expanded_from_glob: true,
                        info: info("abc123"),
                        ..Default::default()
                    })),
                    info: info("abc123"),
                    ..Default::default()
                },
            ),
            json!({"record_publish": {"metric": {"name": "loss", "step_metric": "epoch",
                "step_metric_index": 2,
                "options": {"step_sync": true, "hidden": true, "defined": true},
                "summary": {"min": true, "max": true, "mean": true, "best": true, "last": true,
                            "none": true, "copy": true, "first": true},
                "goal": "GOAL_MINIMIZE", "_control": {"overwrite": true},
                "expanded_from_glob": true, "_info": {"stream_id": "abc123"}},
                "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "glob metric",
            publish(
                "",
                Record {
                    record_type: Some(RecordType::Metric(MetricRecord {
                        glob_name: "train/*".into(),
                        options: Some(MetricOptions {
                            defined: true,
                            ..Default::default()
                        }),
                        summary: Some(MetricSummary::default()),
                        ..Default::default()
                    })),
                    info: info("abc123"),
                    ..Default::default()
                },
            ),
            json!({"record_publish": {"metric": {"glob_name": "train/*",
                "options": {"defined": true}, "summary": {}},
                "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "exit",
            publish(
                "r3",
                Record {
                    record_type: Some(RecordType::Exit(RunExitRecord {
                        exit_code: 1,
                        runtime: 12,
                        ..Default::default()
                    })),
                    control: Some(Control {
                        mailbox_slot: "r3".into(),
                        ..Default::default()
                    }),
                    info: info("abc123"),
                    ..Default::default()
                },
            ),
            json!({"request_id": "r3", "record_publish": {"exit": {"exit_code": 1, "runtime": 12},
                "control": {"mailbox_slot": "r3"}, "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "poll_exit",
            publish(
                "r4",
                request_record("r4", RequestType::PollExit(PollExitRequest::default())),
            ),
            json!({"request_id": "r4", "record_publish": {"request": {"poll_exit": {}},
                "control": {"mailbox_slot": "r4"}, "_info": {"stream_id": "abc123"}}}),
        ),
        (
            "inform_finish",
            ServerRequest {
                request_id: String::new(),
                server_request_type: Some(ServerRequestType::InformFinish(
                    ServerInformFinishRequest {
                        info: info("abc123"),
                    },
                )),
            },
            json!({"inform_finish": {"_info": {"stream_id": "abc123"}}}),
        ),
        (
            "inform_teardown",
            ServerRequest {
                request_id: String::new(),
                server_request_type: Some(ServerRequestType::InformTeardown(
                    ServerInformTeardownRequest {
                        exit_code: 3,
                        info: None,
                    },
                )),
            },
            json!({"inform_teardown": {"exit_code": 3}}),
        ),
        (
            "init_sync",
            ServerRequest {
                request_id: "s1".into(),
                server_request_type: Some(ServerRequestType::InitSync(ServerInitSyncRequest {
                    path: vec!["/a/run-1.wandb".into(), "/b/run-2.wandb".into()],
                    cwd: "/a".into(),
                    live: true,
                    settings: Some(Settings {
                        base_url: Some("http://127.0.0.1:1".into()),
                        api_key: Some("k".repeat(40)),
                        ..Default::default()
                    }),
                    new_project: "p2".into(),
                    tag_replacements: [("old".to_string(), "new".to_string())]
                        .into_iter()
                        .collect(),
                    ..Default::default()
                })),
            },
            json!({"request_id": "s1", "init_sync": {
                "path": ["/a/run-1.wandb", "/b/run-2.wandb"], "cwd": "/a", "live": true,
                "settings": {"base_url": "http://127.0.0.1:1", "api_key": "k".repeat(40)},
                "new_project": "p2", "tag_replacements": {"old": "new"}}}),
        ),
        (
            "sync",
            ServerRequest {
                request_id: "s2".into(),
                server_request_type: Some(ServerRequestType::Sync(ServerSyncRequest {
                    id: "sync-1".into(),
                    parallelism: 4,
                })),
            },
            json!({"request_id": "s2", "sync": {"id": "sync-1", "parallelism": 4}}),
        ),
        (
            "sync_status",
            ServerRequest {
                request_id: "s3".into(),
                server_request_type: Some(ServerRequestType::SyncStatus(ServerSyncStatusRequest {
                    id: "sync-1".into(),
                })),
            },
            json!({"request_id": "s3", "sync_status": {"id": "sync-1"}}),
        ),
    ]
}

/// `(name, message, JSON)` for core's side of the protocol.
pub fn server_responses() -> Vec<(&'static str, ServerResponse, Value)> {
    let result = |slot: &str, r: ResultType| RecordResult {
        result_type: Some(r),
        control: Some(Control {
            mailbox_slot: slot.into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    vec![
        (
            "run_result",
            ServerResponse {
                request_id: "r1".into(),
                server_response_type: Some(ServerResponseType::ResultCommunicate(result(
                    "r1",
                    ResultType::RunResult(RunUpdateResult {
                        run: Some(RunRecord {
                            run_id: "abc123".into(),
                            entity: "me".into(),
                            display_name: "brisk-sun-1".into(),
                            ..Default::default()
                        }),
                        error: None,
                    }),
                ))),
            },
            json!({"request_id": "r1", "result_communicate": {
                "run_result": {"run": {"run_id": "abc123", "entity": "me",
                                       "display_name": "brisk-sun-1"}},
                "control": {"mailbox_slot": "r1"}}}),
        ),
        (
            "run_result error",
            ServerResponse {
                request_id: "r1".into(),
                server_response_type: Some(ServerResponseType::ResultCommunicate(result(
                    "r1",
                    ResultType::RunResult(RunUpdateResult {
                        run: None,
                        error: Some(ErrorInfo {
                            message: "401 Unauthorized".into(),
                            code: ErrorCode::Authentication as i32,
                        }),
                    }),
                ))),
            },
            json!({"request_id": "r1", "result_communicate": {
                "run_result": {"error": {"message": "401 Unauthorized", "code": "AUTHENTICATION"}},
                "control": {"mailbox_slot": "r1"}}}),
        ),
        (
            "poll_exit_response",
            ServerResponse {
                request_id: "r4".into(),
                server_response_type: Some(ServerResponseType::ResultCommunicate(result(
                    "r4",
                    ResultType::Response(Response {
                        response_type: Some(ResponseType::PollExitResponse(PollExitResponse {
                            done: true,
                            exit_result: Some(RunExitResult { timed_out: false }),
                            pusher_stats: Some(FilePusherStats {
                                uploaded_bytes: 10,
                                total_bytes: 20,
                                deduped_bytes: 0,
                            }),
                            file_counts: Some(FileCounts {
                                wandb_count: 1,
                                media_count: 2,
                                artifact_count: 0,
                                other_count: 3,
                            }),
                            operation_stats: Some(OperationStats {
                                label: "run".into(),
                                operations: vec![Operation {
                                    desc: "uploading files".into(),
                                    runtime_seconds: 1.5,
                                    progress: "1/3".into(),
                                    error_status: "retrying".into(),
                                    subtasks: vec![Operation {
                                        desc: "a.png".into(),
                                        ..Default::default()
                                    }],
                                }],
                                total_operations: 2,
                            }),
                        })),
                    }),
                ))),
            },
            json!({"request_id": "r4", "result_communicate": {"response": {"poll_exit_response": {
                "done": true, "exit_result": {},
                "pusher_stats": {"uploaded_bytes": "10", "total_bytes": "20"},
                "file_counts": {"wandb_count": 1, "media_count": 2, "other_count": 3},
                "operation_stats": {"label": "run", "total_operations": "2", "operations": [{
                    "desc": "uploading files", "runtime_seconds": 1.5, "progress": "1/3",
                    "error_status": "retrying", "subtasks": [{"desc": "a.png"}]}]}}},
                "control": {"mailbox_slot": "r4"}}}),
        ),
        (
            "exit_result",
            ServerResponse {
                request_id: "r3".into(),
                server_response_type: Some(ServerResponseType::ResultCommunicate(result(
                    "r3",
                    ResultType::ExitResult(RunExitResult { timed_out: true }),
                ))),
            },
            json!({"request_id": "r3", "result_communicate": {"exit_result": {"timed_out": true},
                "control": {"mailbox_slot": "r3"}}}),
        ),
        (
            "inform_init_response",
            ServerResponse {
                request_id: "i1".into(),
                server_response_type: Some(ServerResponseType::InformInitResponse(Empty {})),
            },
            json!({"request_id": "i1", "inform_init_response": {}}),
        ),
        (
            "init_sync_response",
            ServerResponse {
                request_id: "s1".into(),
                server_response_type: Some(ServerResponseType::InitSyncResponse(
                    ServerInitSyncResponse {
                        id: "sync-1".into(),
                    },
                )),
            },
            json!({"request_id": "s1", "init_sync_response": {"id": "sync-1"}}),
        ),
        (
            "sync_response",
            ServerResponse {
                request_id: "s2".into(),
                server_response_type: Some(ServerResponseType::SyncResponse(ServerSyncResponse {
                    messages: vec![ServerSyncMessage {
                        severity: Severity::Error as i32,
                        content: "upload failed".into(),
                    }],
                })),
            },
            json!({"request_id": "s2", "sync_response": {"messages": [
                {"severity": "SEVERITY_ERROR", "content": "upload failed"}]}}),
        ),
        (
            "sync_status_response",
            ServerResponse {
                request_id: "s3".into(),
                server_response_type: Some(ServerResponseType::SyncStatusResponse(
                    ServerSyncStatusResponse {
                        stats: vec![OperationStats {
                            label: "run-1".into(),
                            operations: vec![],
                            total_operations: 1,
                        }],
                        new_messages: vec![ServerSyncMessage {
                            severity: Severity::Info as i32,
                            content: "hello".into(),
                        }],
                    },
                )),
            },
            json!({"request_id": "s3", "sync_status_response": {
                "stats": [{"label": "run-1", "total_operations": "1"}],
                "new_messages": [{"severity": "SEVERITY_INFO", "content": "hello"}]}}),
        ),
        (
            "error_response",
            ServerResponse {
                request_id: "x".into(),
                server_response_type: Some(ServerResponseType::ErrorResponse(
                    ServerErrorResponse {
                        message: "bad".into(),
                    },
                )),
            },
            json!({"request_id": "x", "error_response": {"message": "bad"}}),
        ),
    ]
}

/// Every setting we model, each with its own value, and the same as JSON.
pub fn all_settings() -> (Settings, Value) {
    let s = Settings {
        args: Some(ListStringValue {
            value: vec!["args-1".into(), "args-2".into()],
        }),
        x_disable_meta: Some(true),
        x_disable_stats: Some(true),
        x_executable: Some("x_executable-v".into()),
        x_extra_http_headers: Some(MapStringKeyStringValue {
            value: [("x_extra_http_headers".to_string(), "v".to_string())]
                .into_iter()
                .collect(),
        }),
        x_file_stream_timeout_seconds: Some(5.5),
        offline: Some(true),
        x_sync: Some(true),
        os: Some("os-v".into()),
        python: Some("python-v".into()),
        x_save_requirements: Some(true),
        x_start_time: Some(11.5),
        x_stats_pid: Some(12),
        api_key: Some("api_key-v".into()),
        base_url: Some("base_url-v".into()),
        console: Some("console-v".into()),
        disable_code: Some(true),
        disable_git: Some(true),
        disable_job_creation: Some(true),
        docker: Some("docker-v".into()),
        email: Some("email-v".into()),
        entity: Some("entity-v".into()),
        host: Some("host-v".into()),
        ignore_globs: Some(ListStringValue {
            value: vec!["ignore_globs-1".into(), "ignore_globs-2".into()],
        }),
        init_timeout: Some(24.5),
        log_dir: Some("log_dir-v".into()),
        log_internal: Some("log_internal-v".into()),
        mode: Some("mode-v".into()),
        program: Some("program-v".into()),
        program_relpath: Some("program_relpath-v".into()),
        project: Some("project-v".into()),
        resume: Some("resume-v".into()),
        resumed: Some(true),
        root_dir: Some("root_dir-v".into()),
        run_group: Some("run_group-v".into()),
        run_id: Some("run_id-v".into()),
        run_job_type: Some("run_job_type-v".into()),
        run_mode: Some("run_mode-v".into()),
        run_name: Some("run_name-v".into()),
        run_notes: Some("run_notes-v".into()),
        run_tags: Some(ListStringValue {
            value: vec!["run_tags-1".into(), "run_tags-2".into()],
        }),
        run_url: Some("run_url-v".into()),
        save_code: Some(true),
        silent: Some(true),
        sweep_id: Some("sweep_id-v".into()),
        sync_dir: Some("sync_dir-v".into()),
        sync_file: Some("sync_file-v".into()),
        tmp_dir: Some("tmp_dir-v".into()),
        username: Some("username-v".into()),
        wandb_dir: Some("wandb_dir-v".into()),
        x_file_stream_retry_max: Some(50),
        x_file_stream_retry_wait_min_seconds: Some(51.5),
        x_file_stream_retry_wait_max_seconds: Some(52.5),
        x_file_transfer_retry_max: Some(53),
        x_file_transfer_retry_wait_min_seconds: Some(54.5),
        x_file_transfer_retry_wait_max_seconds: Some(55.5),
        x_file_transfer_timeout_seconds: Some(56.5),
        x_graphql_retry_max: Some(57),
        x_graphql_retry_wait_min_seconds: Some(58.5),
        x_graphql_retry_wait_max_seconds: Some(59.5),
        x_graphql_timeout_seconds: Some(60.5),
        x_disable_machine_info: Some(true),
        program_abspath: Some("program_abspath-v".into()),
        shared: Some(true),
        x_disable_update_check: Some(true),
        console_multipart: Some(true),
        http_proxy: Some("http_proxy-v".into()),
        https_proxy: Some("https_proxy-v".into()),
        x_file_stream_max_bytes: Some(68),
        x_stats_sampling_interval: Some(69.5),
        x_file_stream_transmit_interval: Some(70.5),
        allow_offline_artifacts: Some(true),
        sync_tensorboard: Some(true),
        x_label: Some("x_label-v".into()),
        x_primary: Some(true),
        x_update_finish_state: Some(true),
        insecure_disable_ssl: Some(true),
        organization: Some("organization-v".into()),
        x_skip_transaction_log: Some(true),
        app_url: Some("app_url-v".into()),
        finish_timeout: Some(80.5),
    };
    let j = json!({
        "_args": {"value": ["args-1", "args-2"]},
        "x_disable_meta": true,
        "x_disable_stats": true,
        "x_executable": "x_executable-v",
        "x_extra_http_headers": {"value": {"x_extra_http_headers": "v"}},
        "x_file_stream_timeout_seconds": 5.5,
        "_offline": true,
        "x_sync": true,
        "_os": "os-v",
        "_python": "python-v",
        "x_save_requirements": true,
        "x_start_time": 11.5,
        "x_stats_pid": 12,
        "api_key": "api_key-v",
        "base_url": "base_url-v",
        "console": "console-v",
        "disable_code": true,
        "disable_git": true,
        "disable_job_creation": true,
        "docker": "docker-v",
        "email": "email-v",
        "entity": "entity-v",
        "host": "host-v",
        "ignore_globs": {"value": ["ignore_globs-1", "ignore_globs-2"]},
        "init_timeout": 24.5,
        "log_dir": "log_dir-v",
        "log_internal": "log_internal-v",
        "mode": "mode-v",
        "program": "program-v",
        "program_relpath": "program_relpath-v",
        "project": "project-v",
        "resume": "resume-v",
        "resumed": true,
        "root_dir": "root_dir-v",
        "run_group": "run_group-v",
        "run_id": "run_id-v",
        "run_job_type": "run_job_type-v",
        "run_mode": "run_mode-v",
        "run_name": "run_name-v",
        "run_notes": "run_notes-v",
        "run_tags": {"value": ["run_tags-1", "run_tags-2"]},
        "run_url": "run_url-v",
        "save_code": true,
        "silent": true,
        "sweep_id": "sweep_id-v",
        "sync_dir": "sync_dir-v",
        "sync_file": "sync_file-v",
        "tmp_dir": "tmp_dir-v",
        "username": "username-v",
        "wandb_dir": "wandb_dir-v",
        "x_file_stream_retry_max": 50,
        "x_file_stream_retry_wait_min_seconds": 51.5,
        "x_file_stream_retry_wait_max_seconds": 52.5,
        "x_file_transfer_retry_max": 53,
        "x_file_transfer_retry_wait_min_seconds": 54.5,
        "x_file_transfer_retry_wait_max_seconds": 55.5,
        "x_file_transfer_timeout_seconds": 56.5,
        "x_graphql_retry_max": 57,
        "x_graphql_retry_wait_min_seconds": 58.5,
        "x_graphql_retry_wait_max_seconds": 59.5,
        "x_graphql_timeout_seconds": 60.5,
        "x_disable_machine_info": true,
        "program_abspath": "program_abspath-v",
        "_shared": true,
        "x_disable_update_check": true,
        "console_multipart": true,
        "http_proxy": "http_proxy-v",
        "https_proxy": "https_proxy-v",
        "x_file_stream_max_bytes": 68,
        "x_stats_sampling_interval": 69.5,
        "x_file_stream_transmit_interval": 70.5,
        "allow_offline_artifacts": true,
        "sync_tensorboard": true,
        "x_label": "x_label-v",
        "x_primary": true,
        "x_update_finish_state": true,
        "insecure_disable_ssl": true,
        "organization": "organization-v",
        "x_skip_transaction_log": true,
        "app_url": "app_url-v",
        "finish_timeout": 80.5,
    });
    (s, j)
}
