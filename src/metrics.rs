//! The metrics registry: every series pressdir exports, readable by any
//! layer (the database pool records its waits here) without depending on
//! HTTP. `observe` renders it at `/metrics`.

use std::sync::LazyLock;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Latency buckets in seconds, from a cached read to a bulk import.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Every metric pressdir exports. Process-wide: several servers in one
/// process (as in the tests) add to the same series.
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub request_seconds: HistogramVec,
    pub in_flight: IntGauge,
    pub problems: IntCounterVec,
    pub panics: prometheus::IntCounter,
    pub pool_connections: IntGaugeVec,
    pub pool_idle: IntGaugeVec,
    pub pool_max: IntGaugeVec,
    pub pool_wait_seconds: HistogramVec,
    pub pool_timeouts: IntCounterVec,
    pub query_seconds: HistogramVec,
    pub outbox_depth: IntGauge,
    pub outbox_oldest_seconds: IntGauge,
    pub webhook_deliveries: IntCounterVec,
    pub read_cache_requests: IntCounterVec,
    pub read_cache_bytes: IntGauge,
    pub read_cache_entries: IntGauge,
    pub memory_budget: IntGaugeVec,
    pub search_memory_bytes: IntGauge,
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new();
        let histogram = |name: &str, help: &str, labels: &[&str]| {
            HistogramVec::new(
                HistogramOpts::new(name, help).buckets(BUCKETS.to_vec()),
                labels,
            )
            .expect("valid histogram")
        };
        let counter = |name: &str, help: &str, labels: &[&str]| {
            IntCounterVec::new(Opts::new(name, help), labels).expect("valid counter")
        };
        let gauge = |name: &str, help: &str, labels: &[&str]| {
            IntGaugeVec::new(Opts::new(name, help), labels).expect("valid gauge")
        };
        let all = Self {
            requests: counter(
                "pressdir_http_requests_total",
                "HTTP requests answered, by method, route template and status.",
                &["method", "route", "status"],
            ),
            request_seconds: histogram(
                "pressdir_http_request_duration_seconds",
                "Time to answer an HTTP request, by method, route template and status.",
                &["method", "route", "status"],
            ),
            in_flight: IntGauge::new(
                "pressdir_http_requests_in_flight",
                "HTTP requests being answered now.",
            )
            .expect("valid gauge"),
            problems: counter(
                "pressdir_problems_total",
                "Problem (error) responses, by problem type.",
                &["type"],
            ),
            panics: prometheus::IntCounter::new(
                "pressdir_panics_total",
                "Requests whose handling panicked (each answered 500).",
            )
            .expect("valid counter"),
            pool_connections: gauge(
                "pressdir_db_pool_connections",
                "Open database connections, by pool.",
                &["pool"],
            ),
            pool_idle: gauge(
                "pressdir_db_pool_idle_connections",
                "Idle database connections, by pool.",
                &["pool"],
            ),
            pool_max: gauge(
                "pressdir_db_pool_max_connections",
                "The pool's size limit, by pool.",
                &["pool"],
            ),
            pool_wait_seconds: histogram(
                "pressdir_db_pool_wait_seconds",
                "Time waited for a database connection, by pool.",
                &["pool"],
            ),
            pool_timeouts: counter(
                "pressdir_db_pool_timeouts_total",
                "Waits for a database connection that timed out, by pool.",
                &["pool"],
            ),
            query_seconds: histogram(
                "pressdir_db_query_duration_seconds",
                "Time a unit of database work held its connection, by pool.",
                &["pool"],
            ),
            outbox_depth: IntGauge::new(
                "pressdir_outbox_depth",
                "Webhook work waiting: events not yet handed to endpoints plus deliveries pending (as this instance's dispatcher last saw it).",
            )
            .expect("valid gauge"),
            outbox_oldest_seconds: IntGauge::new(
                "pressdir_outbox_oldest_seconds",
                "Age of the oldest waiting event or pending delivery, in seconds (0 when none).",
            )
            .expect("valid gauge"),
            webhook_deliveries: counter(
                "pressdir_webhook_deliveries_total",
                "Webhook delivery attempts by outcome: delivered, retry (will be tried again), failed (out of retries).",
                &["outcome"],
            ),
            read_cache_requests: counter(
                "pressdir_read_cache_requests_total",
                "Public reads by what the read cache did: hit, miss (answered and kept when it may be), bypass (a key, a search, a conditional request).",
                &["outcome"],
            ),
            read_cache_bytes: IntGauge::new(
                "pressdir_read_cache_bytes",
                "Memory held by the read cache's answers (bounded by --read-cache-bytes).",
            )
            .expect("valid gauge"),
            read_cache_entries: IntGauge::new(
                "pressdir_read_cache_entries",
                "Answers held by the read cache.",
            )
            .expect("valid gauge"),
            memory_budget: gauge(
                "pressdir_memory_budget_bytes",
                "The memory budget (part=\"total\", --memory-budget-bytes) and how it was split at start-up: read_cache, search (the in-memory copy as it was then), sqlite_map (every connection's map together).",
                &["part"],
            ),
            search_memory_bytes: IntGauge::new(
                "pressdir_search_memory_bytes",
                "Memory held by the in-memory copy of the search documents now (0 when searching in SQL).",
            )
            .expect("valid gauge"),
            registry,
        };
        let build_info = gauge(
            "pressdir_build_info",
            "Always 1; the labels say which build is running.",
            &["version"],
        );
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        let r = &all.registry;
        for result in [
            r.register(Box::new(all.requests.clone())),
            r.register(Box::new(all.request_seconds.clone())),
            r.register(Box::new(all.in_flight.clone())),
            r.register(Box::new(all.problems.clone())),
            r.register(Box::new(all.panics.clone())),
            r.register(Box::new(all.pool_connections.clone())),
            r.register(Box::new(all.pool_idle.clone())),
            r.register(Box::new(all.pool_max.clone())),
            r.register(Box::new(all.pool_wait_seconds.clone())),
            r.register(Box::new(all.pool_timeouts.clone())),
            r.register(Box::new(all.query_seconds.clone())),
            r.register(Box::new(all.outbox_depth.clone())),
            r.register(Box::new(all.outbox_oldest_seconds.clone())),
            r.register(Box::new(all.webhook_deliveries.clone())),
            r.register(Box::new(all.read_cache_requests.clone())),
            r.register(Box::new(all.read_cache_bytes.clone())),
            r.register(Box::new(all.read_cache_entries.clone())),
            r.register(Box::new(all.memory_budget.clone())),
            r.register(Box::new(all.search_memory_bytes.clone())),
            r.register(Box::new(build_info)),
            r.register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            )),
        ] {
            result.expect("metric names are unique");
        }
        all
    }

    /// The text exposition, with the pools' state as read now.
    pub fn render(&self, pools: &[PoolGauge], search_memory_bytes: u64) -> String {
        self.search_memory_bytes
            .set(i64::try_from(search_memory_bytes).unwrap_or(i64::MAX));
        for pool in pools {
            let name = [pool.name];
            self.pool_connections
                .with_label_values(&name)
                .set(pool.connections.into());
            self.pool_idle
                .with_label_values(&name)
                .set(pool.idle.into());
            self.pool_max.with_label_values(&name).set(pool.max.into());
        }
        let mut out = vec![];
        // Encoding into a Vec cannot fail for well-formed metrics.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Records how the memory budget was split.
pub fn record_memory_split(total: u64, split: &crate::budget::Split) {
    let gauge = &METRICS.memory_budget;
    for (part, bytes) in [
        ("total", total),
        ("read_cache", split.read_cache),
        ("search", split.search),
        ("sqlite_map", split.sqlite_map()),
    ] {
        gauge
            .with_label_values(&[part])
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }
}

/// A connection pool's state, read when the metrics are rendered.
pub struct PoolGauge {
    pub name: &'static str,
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}
