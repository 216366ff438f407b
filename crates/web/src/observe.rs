//! What operators watch. Every request gets a request id (the client's `x-request-id` when it is
//! a short token of letters, digits, `.`, `_` and `-`; else a new one), echoed in the response
//! and carried by every log line of the request; one line per request at `info` (method, route,
//! status, milliseconds — the route as declared, such as `/api/v1/cases/:case_id`, never an
//! id or a query); and Prometheus metrics. Metric labels are route templates, methods and statuses only:
//! never an id, a name or any content of a case.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;

/// The header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// The route template a response answered, put there by [`label_route`].
#[derive(Debug, Clone)]
struct RouteLabel(String);

/// Latency buckets, in seconds (1 ms to 10 s).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
];
/// Size buckets (events per append, appends per commit).
const SIZE_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// The process's metrics recorder, installed on first use (one per process); `None` when
/// another recorder was installed first.
pub fn recorder() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Suffix("_size".into()), SIZE_BUCKETS)
                })
                .ok()?;
            let handle = builder.install_recorder().ok()?;
            describe();
            spawn_upkeep(handle.clone());
            Some(handle)
        })
        .as_ref()
}

/// How often the recorder folds the samples it holds into its histograms.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds recorded histogram samples into their buckets every [`UPKEEP_EVERY`], on a thread of its
/// own. The recorder keeps every sample until then (a rendering of `/metrics` would fold them
/// too), so without this a server nobody scrapes grows by every request's latency sample: about
/// 1.4 MiB a minute at 1,000 requests a second (found by the 30-minute soak, docs/PERFORMANCE.md).
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("accord-metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "metrics upkeep thread not started; histograms grow until scraped");
    }
}

fn describe() {
    metrics::describe_counter!(
        "accord_http_requests_total",
        "HTTP requests answered, by route, method and status"
    );
    metrics::describe_histogram!(
        "accord_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by route and method"
    );
    metrics::describe_counter!(
        "accord_storage_errors_total",
        "Requests answered 503: storage did not answer"
    );
    // Series an alert watches exist from the start, at zero.
    for name in [
        "accord_storage_errors_total",
        "accord_case_append_conflicts_total",
        "accord_case_append_failures_total",
        "accord_scheduler_failures_total",
    ] {
        metrics::counter!(name).increment(0);
    }
}

fn valid_request_id(v: &HeaderValue) -> Option<String> {
    let s = v.to_str().ok()?;
    (!s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
    .then(|| s.to_owned())
}

/// The outer middleware: request id, one log line, the request metrics.
pub async fn observe(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(valid_request_id)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id);
    let mut resp = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let route = resp
        .extensions()
        .get::<RouteLabel>()
        .map_or_else(|| "unmatched".to_owned(), |r| r.0.clone());
    let status = resp.status().as_u16();
    metrics::counter!(
        "accord_http_requests_total",
        "route" => route.clone(),
        "method" => method.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "accord_http_request_duration_seconds",
        "route" => route.clone(),
        "method" => method.clone()
    )
    .record(elapsed.as_secs_f64());
    if status == 503 {
        metrics::counter!("accord_storage_errors_total").increment(1);
    }
    span.in_scope(|| {
        tracing::info!(
            method = %method,
            route = %route,
            status,
            ms = elapsed.as_millis() as u64,
            "request"
        );
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID, v);
    }
    resp
}

/// A route template as a label: `/api/v1/cases/{case_id}` reads `/api/v1/cases/:case_id` (no
/// braces, which some Prometheus text parsers mistake for the end of the label set).
fn route_label(template: &str) -> String {
    template
        .split('/')
        .map(
            |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => format!(":{name}"),
                None => seg.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// The inner middleware (on matched routes only): hands the route template to [`observe`].
pub async fn label_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| route_label(m.as_str()));
    let mut resp = next.run(req).await;
    if let Some(r) = route {
        resp.extensions_mut().insert(RouteLabel(r));
    }
    resp
}
