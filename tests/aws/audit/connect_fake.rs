//! Amazon Connect for the audit's moto test (moto has no Connect user API): ListInstances and
//! ListUsers over HTTP as the SDK calls them (`GET /instance`, `GET /users-summary/{InstanceId}`),
//! holding to their documented paging: MaxResults 1-10 for ListInstances and 1-1,000 for
//! ListUsers, NextToken only as issued. A breach is answered with Connect's
//! InvalidParameterException and recorded, and the test asserts there is none.
//!
//! Each account sees its own instances: the caller's account is found from the access key its
//! request is signed with, in moto's own records of the roles it let assume (`/moto-api/
//! data.json`), or among the keys the test registers (an IAM user's).

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::http::{call, read_request, respond, Request};

/// One Connect instance of an account.
#[derive(Clone)]
pub struct Instance {
    pub id: String,
    pub identity_management: &'static str,
    pub usernames: Vec<String>,
}

/// What the fake saw.
#[derive(Default)]
pub struct Seen {
    /// Limits broken, tokens never issued.
    pub violations: Vec<String>,
    /// (account, operation, MaxResults asked) of every call.
    pub calls: Vec<(String, &'static str, Option<u32>)>,
}

struct State {
    moto: String,
    accounts: HashMap<String, Vec<Instance>>,
    keys: HashMap<String, String>,
    issued: HashSet<String>,
    seen: Seen,
}

/// The running fake: its endpoint, and what it saw.
#[derive(Clone)]
pub struct ConnectFake {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl ConnectFake {
    /// Serves `accounts` (account id → its instances) on an ephemeral loopback port.
    pub fn start(moto: &str, accounts: HashMap<String, Vec<Instance>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            moto: moto.to_owned(),
            accounts,
            keys: HashMap::new(),
            issued: HashSet::new(),
            seen: Seen::default(),
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || {
                    let Some(request) = read_request(&stream) else {
                        return;
                    };
                    let (status, kind, body) = answer(&state, &request);
                    let mut headers = vec![("Content-Type", "application/json")];
                    if let Some(kind) = kind {
                        headers.push(("x-amzn-ErrorType", kind));
                    }
                    respond(stream, status, &headers, body.to_string().as_bytes());
                });
            }
        });
        Self { url, state }
    }

    /// Requests signed with `access_key` come from `account`.
    pub fn register_key(&self, access_key: &str, account: &str) {
        let mut state = self.state.lock().unwrap();
        state.keys.insert(access_key.to_owned(), account.to_owned());
    }

    /// What it saw, as of now.
    pub fn seen<R>(&self, read: impl FnOnce(&Seen) -> R) -> R {
        read(&self.state.lock().unwrap().seen)
    }
}

/// The account of a key: registered, else the one moto says an assumed role's key belongs to.
fn account_of(state: &Mutex<State>, key: &str) -> Option<String> {
    let moto = {
        let s = state.lock().unwrap();
        if let Some(a) = s.keys.get(key) {
            return Some(a.clone());
        }
        s.moto.clone()
    };
    let (_, body) = call(&moto, "GET", "/moto-api/data.json", "");
    let data: Value = serde_json::from_slice(&body).ok()?;
    let mut s = state.lock().unwrap();
    for role in data["sts"]["AssumedRole"].as_array().into_iter().flatten() {
        if let (Some(k), Some(a)) = (role["access_key_id"].as_str(), role["account_id"].as_str()) {
            s.keys.insert(k.to_owned(), a.to_owned());
        }
    }
    s.keys.get(key).cloned()
}

type Answer = (&'static str, Option<&'static str>, Value);

fn refuse(state: &mut State, what: String) -> Answer {
    state.seen.violations.push(what.clone());
    (
        "400 Bad Request",
        Some("InvalidParameterException"),
        json!({ "Message": what }),
    )
}

fn answer(state: &Mutex<State>, request: &Request) -> Answer {
    let Some(account) = request.access_key().and_then(|k| account_of(state, k)) else {
        return (
            "403 Forbidden",
            Some("AccessDeniedException"),
            json!({"Message": "the request is not signed with a key of any account"}),
        );
    };
    let mut s = state.lock().unwrap();
    let max: Option<u32> = request.query("maxResults").and_then(|m| m.parse().ok());
    let token = request.query("nextToken");
    let path = request.path().to_owned();
    let (operation, limit, scope) = if path == "/instance" {
        ("ListInstances", 10, format!("instances:{account}"))
    } else if let Some(id) = path.strip_prefix("/users-summary/") {
        ("ListUsers", 1000, format!("users:{account}:{id}"))
    } else {
        return (
            "404 Not Found",
            Some("ResourceNotFoundException"),
            json!({"Message": format!("no such resource {} {path}", request.method)}),
        );
    };
    s.seen.calls.push((account.clone(), operation, max));
    let size = match max {
        Some(m) if (1..=limit).contains(&m) => m as usize,
        None => limit as usize,
        Some(m) => {
            return refuse(
                &mut s,
                format!("{operation}: MaxResults {m} is outside 1-{limit}"),
            )
        }
    };
    let start = match &token {
        None => 0,
        Some(t) if s.issued.contains(t) => t
            .rsplit(':')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        Some(t) => {
            return refuse(
                &mut s,
                format!("{operation}: NextToken {t} was never issued"),
            )
        }
    };
    let instances = s.accounts.get(&account).cloned().unwrap_or_default();
    let instance_arn = |id: &str| format!("arn:aws:connect:us-east-1:{account}:instance/{id}");
    let (items, total): (Vec<Value>, usize) = if operation == "ListInstances" {
        let all: Vec<Value> = instances
            .iter()
            .map(|i| {
                json!({
                    "Id": i.id,
                    "Arn": instance_arn(&i.id),
                    "IdentityManagementType": i.identity_management,
                    "InstanceStatus": "ACTIVE",
                    "InstanceAlias": format!("cc-{}", &i.id[..8]),
                })
            })
            .collect();
        let n = all.len();
        (all.into_iter().skip(start).take(size).collect(), n)
    } else {
        let id = path.trim_start_matches("/users-summary/");
        let Some(instance) = instances.iter().find(|i| i.id == id) else {
            return (
                "404 Not Found",
                Some("ResourceNotFoundException"),
                json!({"Message": format!("instance {id} is not in account {account}")}),
            );
        };
        let n = instance.usernames.len();
        let page = instance
            .usernames
            .iter()
            .enumerate()
            .skip(start)
            .take(size)
            .map(|(i, u)| {
                json!({
                    "Id": format!("u{i}"),
                    "Arn": format!("{}/agent/u{i}", instance_arn(id)),
                    "Username": u,
                })
            })
            .collect();
        (page, n)
    };
    let next = (start + size < total).then(|| format!("{scope}:{}", start + size));
    if let Some(t) = &next {
        s.issued.insert(t.clone());
    }
    let list = if operation == "ListInstances" {
        "InstanceSummaryList"
    } else {
        "UserSummaryList"
    };
    let mut body = json!({ list: items });
    if let Some(t) = next {
        body["NextToken"] = json!(t);
    }
    ("200 OK", None, body)
}
