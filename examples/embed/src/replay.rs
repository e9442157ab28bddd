//! A replay HTTP client for the AWS SDK: each request is answered with the response recorded for
//! its operation under a folder (`iam/GetRole.xml`, `connect/SearchUsers.json`, …), so the
//! account checks run through the real SDK clients with no network and no account. An operation
//! with no recording is a 404 that names it.

use std::path::PathBuf;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;

/// Answers from the recordings under `dir`.
#[derive(Debug, Clone)]
pub struct Replay {
    dir: PathBuf,
}

impl Replay {
    /// A client answering from `dir`.
    pub fn client(dir: PathBuf) -> SharedHttpClient {
        Replay { dir }.into_shared()
    }

    /// The recording a request asks for: (service, operation, file extension).
    fn operation(request: &HttpRequest) -> (&'static str, String, &'static str) {
        let body = request
            .body()
            .bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        // IAM speaks the query protocol: the operation is the form body's Action.
        if let Some(action) = body
            .split('&')
            .find_map(|pair| pair.strip_prefix("Action="))
        {
            return ("iam", action.to_owned(), "xml");
        }
        // AWS Organizations speaks JSON 1.1: the operation is in X-Amz-Target.
        if let Some(target) = request.headers().get("x-amz-target") {
            let op = target.rsplit('.').next().unwrap_or(target);
            return ("organizations", op.to_owned(), "json");
        }
        // Amazon Connect is REST: the operation is the path.
        let path = request.uri().split("://").nth(1).unwrap_or(request.uri());
        let path = path.find('/').map(|i| &path[i..]).unwrap_or("/");
        let op = if path.starts_with("/instance/") {
            "DescribeInstance"
        } else if path.starts_with("/search-users") {
            "SearchUsers"
        } else if path.starts_with("/users-summary/") {
            "ListUsers"
        } else {
            "Unknown"
        };
        ("connect", op.to_owned(), "json")
    }

    fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let (service, op, ext) = Self::operation(request);
        let file = self.dir.join(service).join(format!("{op}.{ext}"));
        let (status, body) = match std::fs::read(&file) {
            // A recorded error (JSON with `__type`) is answered as the service does: status 400.
            Ok(body) if body.starts_with(b"{\"__type\"") => (400, body),
            Ok(body) => (200, body),
            Err(_) => (
                404,
                format!("{{\"message\": \"no recording for {service} {op}\"}}").into_bytes(),
            ),
        };
        let mut response = HttpResponse::new(
            StatusCode::try_from(status).expect("a valid status"),
            SdkBody::from(body),
        );
        let content_type = if ext == "xml" {
            "text/xml"
        } else {
            "application/x-amz-json-1.1"
        };
        response.headers_mut().insert("content-type", content_type);
        response
    }
}

impl HttpConnector for Replay {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(Ok(self.answer(&request)))
    }
}

impl HttpClient for Replay {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.clone().into_shared()
    }
}
