//! The dispatcher: a task beside the HTTP server that hands the outbox's
//! events out to endpoints and delivers them. Any number of instances may
//! run it over one database (see `db::claim`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::db::{self, Claimed, Outcome};
use crate::db::DbPool;

/// How the dispatcher behaves (`--webhook-*`).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// How long a delivery is retried before it fails (default 24 h).
    pub retry_for: Duration,
    /// The first retry's delay; each next one doubles, up to an hour, ±20 %.
    pub backoff_base: Duration,
    /// One attempt's time budget, connection included.
    pub timeout: Duration,
    /// Deliver to loopback and private addresses (tests, an intranet).
    pub allow_private: bool,
    /// How often to look for work when there was none.
    pub poll: Duration,
    /// Deliveries sent at once.
    pub concurrency: usize,
    /// How long delivered and failed deliveries (with their attempts) and
    /// handed-out events are kept (default 30 days).
    pub retention: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            retry_for: Duration::from_secs(24 * 3600),
            backoff_base: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            allow_private: false,
            poll: Duration::from_millis(500),
            concurrency: 16,
            retention: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Resolves names as usual but keeps only public addresses (unless
/// allowed), at connection time: a name that points at 127.0.0.1 or
/// 10.0.0.0/8, or is made to later, is not followed.
struct PublicOnly {
    allow_private: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept: Vec<SocketAddr> = found
                .filter(|a| allow_private || db::is_public(a.ip()))
                .collect();
            if kept.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The delay before retry `attempt` (1 for the first retry).
pub fn backoff(base: Duration, attempt: i32) -> Duration {
    let exponent = attempt.clamp(1, 20) as u32 - 1;
    let delay = base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(Duration::from_secs(3600));
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    // ±20 %, so that receivers coming back are not hit all at once.
    let jitter = 0.8 + 0.4 * f64::from(byte[0]) / 255.0;
    delay.mul_f64(jitter)
}

/// Deliveries in flight, per endpoint, in this process.
type InFlight = Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>;

/// Runs until the task is dropped: hands events out, claims what is due
/// while permits are free, and sends each delivery as its own task, so a
/// receiver that hangs holds up only its own deliveries (at most half the
/// permits), never the others'.
pub async fn run(pool: DbPool, settings: WebhookSettings) {
    let client = match reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve names itself, past the check below.
        .no_proxy()
        .dns_resolver(Arc::new(PublicOnly {
            allow_private: settings.allow_private,
        }))
        .user_agent(concat!("pressdir-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhooks: no HTTP client; deliveries stopped");
            return;
        }
    };
    let settings = Arc::new(settings);
    let permits = Arc::new(tokio::sync::Semaphore::new(settings.concurrency));
    let per_endpoint = (settings.concurrency / 2).max(1);
    let in_flight: InFlight = Default::default();
    let finished = Arc::new(tokio::sync::Notify::new());
    let mut pruned_at: Option<Instant> = None;
    loop {
        // Hourly, the old and settled go.
        if pruned_at.is_none_or(|at| at.elapsed() > Duration::from_secs(3600)) {
            pruned_at = Some(Instant::now());
            let before = crate::db::now()
                - chrono::Duration::from_std(settings.retention).unwrap_or_default();
            if let Err(error) = pool.run(move |conn| Ok(db::prune(conn, before)?)).await {
                tracing::warn!(%error, "webhooks: pruning failed");
            }
        }
        let worked = match pass(
            &pool,
            &client,
            &settings,
            &permits,
            per_endpoint,
            &in_flight,
            &finished,
        )
        .await
        {
            Ok(worked) => worked,
            Err(error) => {
                tracing::warn!(%error, "webhooks: a dispatch pass failed");
                false
            }
        };
        if let Ok((depth, late)) = pool.run(|conn| Ok(db::backlog(conn)?)).await {
            let metrics = &crate::metrics::METRICS;
            metrics.outbox_depth.set(depth);
            metrics.outbox_oldest_seconds.set(late);
        }
        if !worked {
            // Until there may be new work, or a permit comes free.
            let _ = tokio::time::timeout(settings.poll, finished.notified()).await;
        }
    }
}

/// One pass: hand out new events, then start sending what is due, as many
/// as there are free permits. Gives whether there was anything to do.
async fn pass(
    pool: &DbPool,
    client: &reqwest::Client,
    settings: &Arc<WebhookSettings>,
    permits: &Arc<tokio::sync::Semaphore>,
    per_endpoint: usize,
    in_flight: &InFlight,
    finished: &Arc<tokio::sync::Notify>,
) -> Result<bool, crate::error::ApiError> {
    let retry_for = chrono::Duration::from_std(settings.retry_for).unwrap_or_default();
    // Releases whose embargo just ended: their release.published events.
    let published = match pool.run(crate::releases::db::publish_due).await {
        Ok(published) => published,
        Err(error) => {
            // Deliveries go on; publishing is tried again next pass.
            tracing::warn!(%error, "publishing releases whose embargo ended failed");
            0
        }
    };
    let fanned = pool
        .run(move |conn| Ok(db::fan_out(conn, retry_for)?))
        .await?;
    let free = permits.available_permits().min(per_endpoint);
    if free == 0 {
        return Ok(fanned > 0 || published > 0);
    }
    let busy: Vec<String> = in_flight
        .lock()
        .map(|m| {
            m.iter()
                .filter(|(_, n)| **n >= per_endpoint)
                .map(|(e, _)| e.clone())
                .collect()
        })
        .unwrap_or_default();
    // The lease outlasts an attempt, so no other instance takes it meanwhile.
    let lease = chrono::Duration::from_std(settings.timeout * 2 + Duration::from_secs(30))
        .unwrap_or_default();
    let claimed = pool
        .run(move |conn| Ok(db::claim(conn, free as i64, lease, &busy)?))
        .await?;
    let started = claimed.len();
    for c in claimed {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        if let Ok(mut m) = in_flight.lock() {
            *m.entry(c.endpoint_id.clone()).or_default() += 1;
        }
        let (client, pool, settings) = (client.clone(), pool.clone(), settings.clone());
        let (in_flight, finished) = (in_flight.clone(), finished.clone());
        tokio::spawn(async move {
            let endpoint = c.endpoint_id.clone();
            let outcome = send(&client, &c, settings.allow_private).await;
            let retry_at = outcome.at
                + chrono::Duration::from_std(backoff(settings.backoff_base, c.attempts))
                    .unwrap_or_default();
            match pool
                .run(move |conn| Ok(db::settle(conn, &c, &outcome, retry_at)?))
                .await
            {
                Ok(settled) => crate::metrics::METRICS
                    .webhook_deliveries
                    .with_label_values(&[settled.as_str()])
                    .inc(),
                Err(error) => tracing::warn!(%error, "webhooks: recording an attempt failed"),
            }
            if let Ok(mut m) = in_flight.lock()
                && let Some(n) = m.get_mut(&endpoint)
            {
                *n -= 1;
                if *n == 0 {
                    m.remove(&endpoint);
                }
            }
            drop(permit);
            finished.notify_one();
        });
    }
    Ok(fanned > 0 || started > 0 || published > 0)
}

/// One attempt: POST the event with its Standard Webhooks headers.
async fn send(client: &reqwest::Client, c: &Claimed, allow_private: bool) -> Outcome {
    let started = Instant::now();
    let at = crate::db::now();
    // An address in the URL itself is not resolved: checked here.
    let error = if let Some(problem) = db::check_url(&c.url, allow_private) {
        Some(format!("not sent: the URL {problem}"))
    } else {
        let timestamp = Utc::now().timestamp();
        let signature = super::sign::signature(&c.secret, &c.event_id, timestamp, &c.payload);
        let response = client
            .post(&c.url)
            .header("content-type", "application/json")
            .header("webhook-id", &c.event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(c.payload.clone())
            .send()
            .await;
        match response {
            Ok(response) => {
                let status = i32::from(response.status().as_u16());
                return Outcome {
                    error: (!response.status().is_success())
                        .then(|| format!("the receiver answered {status}")),
                    status: Some(status),
                    duration_ms: started.elapsed().as_millis() as i64,
                    at,
                };
            }
            Err(error) if error.is_timeout() => Some("timed out".to_string()),
            Err(error) => Some(format!("not delivered: {}", error_chain(&error))),
        }
    };
    Outcome {
        status: None,
        error,
        duration_ms: started.elapsed().as_millis() as i64,
        at,
    }
}

/// An error and its causes, in one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_an_hour() {
        let base = Duration::from_secs(5);
        for (attempt, nominal) in [(1, 5.0), (2, 10.0), (3, 20.0), (12, 3600.0), (40, 3600.0)] {
            let delay = backoff(base, attempt).as_secs_f64();
            assert!(
                (nominal * 0.8..=nominal * 1.2).contains(&delay),
                "attempt {attempt}: {delay}"
            );
        }
    }

    #[test]
    fn private_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!db::is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(db::is_public(public.parse().unwrap()), "{public}");
        }
    }
}
