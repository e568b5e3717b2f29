//! Injected failures: the next N matching requests answer a chosen status.

use crate::http::Response;

/// Which requests a [`Fault`] applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultTarget {
    /// Every request.
    Any,
    /// Requests whose path starts with this prefix (`/files/`, `/graphql`, `/upload/`).
    PathPrefix(String),
    /// GraphQL requests with this operation name (`UpsertBucket`, `CreateRunFiles`, ...).
    Operation(String),
}

/// What an injected fault does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FaultKind {
    /// Answers this status.
    Status(u16),
    /// Closes the connection without answering (a reset in the middle of a request).
    Disconnect,
}

/// What the server does for a request that a fault caught.
#[derive(Debug)]
pub(crate) enum Injected {
    /// Send this answer.
    Respond(Response),
    /// Close the connection without an answer.
    Disconnect,
}

/// A failure to inject: the next `times` requests matching the target are answered with a
/// status, or see their connection closed; nothing they carry is applied to the recorded state.
#[derive(Debug, Clone)]
pub struct Fault {
    kind: FaultKind,
    pub(crate) remaining: usize,
    pub(crate) target: FaultTarget,
    pub(crate) retry_after: Option<u32>,
    pub(crate) body: Option<String>,
}

impl Fault {
    /// Answers the next `times` requests (any path) with `status`.
    pub fn new(status: u16, times: usize) -> Fault {
        Fault {
            kind: FaultKind::Status(status),
            remaining: times,
            target: FaultTarget::Any,
            retry_after: None,
            body: None,
        }
    }

    /// Closes the connection of the next `times` requests (any path) once they have been
    /// read, without answering: to the client, a connection reset.
    pub fn disconnect(times: usize) -> Fault {
        Fault {
            kind: FaultKind::Disconnect,
            ..Fault::new(0, times)
        }
    }

    /// Applies only to requests whose path starts with `prefix`.
    pub fn with_path_prefix(mut self, prefix: impl Into<String>) -> Fault {
        self.target = FaultTarget::PathPrefix(prefix.into());
        self
    }

    /// Applies only to GraphQL requests of that operation.
    pub fn with_operation(mut self, operation: impl Into<String>) -> Fault {
        self.target = FaultTarget::Operation(operation.into());
        self
    }

    /// Adds a `Retry-After: <seconds>` header (as a server answering 429 does).
    pub fn with_retry_after(mut self, seconds: u32) -> Fault {
        self.retry_after = Some(seconds);
        self
    }

    /// Answers this body instead of the default JSON error.
    pub fn with_body(mut self, body: impl Into<String>) -> Fault {
        self.body = Some(body.into());
        self
    }

    /// The status it answers (`None` for a disconnect).
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            FaultKind::Status(s) => Some(s),
            FaultKind::Disconnect => None,
        }
    }

    /// How many more requests it will fail.
    pub fn remaining(&self) -> usize {
        self.remaining
    }

    /// Which requests it applies to.
    pub fn target(&self) -> &FaultTarget {
        &self.target
    }

    pub(crate) fn matches(&self, path: &str, operation: Option<&str>) -> bool {
        self.remaining > 0
            && match &self.target {
                FaultTarget::Any => true,
                FaultTarget::PathPrefix(p) => path.starts_with(p.as_str()),
                FaultTarget::Operation(op) => operation == Some(op.as_str()),
            }
    }

    fn injected(&self) -> Injected {
        let FaultKind::Status(status) = self.kind else {
            return Injected::Disconnect;
        };
        let mut r = match &self.body {
            Some(b) => Response::text(status, b.clone()),
            None => error_response(status, &format!("injected fault: status {status}")),
        };
        if let Some(s) = self.retry_after {
            r.headers.push(("Retry-After".into(), s.to_string()));
        }
        Injected::Respond(r)
    }
}

/// A GraphQL-style JSON error body.
pub(crate) fn error_response(status: u16, message: &str) -> Response {
    Response::json(
        status,
        &serde_json::json!({"errors": [{"message": message}]}),
    )
}

/// Takes one use of the first fault that matches, and what it does.
pub(crate) fn take_fault(
    faults: &mut Vec<Fault>,
    path: &str,
    operation: Option<&str>,
) -> Option<Injected> {
    let i = faults.iter().position(|f| f.matches(path, operation))?;
    let f = &mut faults[i];
    f.remaining -= 1;
    let resp = f.injected();
    if f.remaining == 0 {
        faults.remove(i);
    }
    Some(resp)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn faults_are_used_up_in_order_and_by_target() {
        let mut faults = vec![
            Fault::new(500, 1).with_operation("UpsertBucket"),
            Fault::new(429, 2)
                .with_path_prefix("/files/")
                .with_retry_after(3),
        ];
        assert!(take_fault(&mut faults, "/graphql", Some("Viewer")).is_none());
        let r = respond(take_fault(&mut faults, "/graphql", Some("UpsertBucket")));
        assert_eq!(r.status, 500);
        assert!(take_fault(&mut faults, "/graphql", Some("UpsertBucket")).is_none());
        for _ in 0..2 {
            let r = respond(take_fault(&mut faults, "/files/e/p/r/file_stream", None));
            assert_eq!(r.status, 429);
            assert!(r.headers.contains(&("Retry-After".into(), "3".into())));
        }
        assert!(take_fault(&mut faults, "/files/e/p/r/file_stream", None).is_none());
        assert!(faults.is_empty());
    }

    fn respond(i: Option<Injected>) -> Response {
        match i {
            Some(Injected::Respond(r)) => r,
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    #[test]
    fn disconnects_answer_nothing() {
        let mut faults = vec![Fault::disconnect(1).with_operation("X")];
        assert_eq!(faults[0].status(), None);
        assert!(matches!(
            take_fault(&mut faults, "/graphql", Some("X")),
            Some(Injected::Disconnect)
        ));
        assert!(faults.is_empty());
    }

    #[test]
    fn a_fault_of_zero_times_never_fires() {
        let mut faults = vec![Fault::new(500, 0)];
        assert!(take_fault(&mut faults, "/", None).is_none());
    }
}
