//! A failed TLS handshake in words. Certificate failures name what is wrong: a certificate for
//! another host (and the names it holds), an expired one (and when it expired), one not valid
//! yet, one signed by a CA the client does not trust (and how to trust it). A certificate holds
//! no secret, so its names and dates may be shown.

use rustls::CertificateError as Cert;
use rustls::pki_types::UnixTime;
use std::fmt;

/// A handshake with `host` that rustls ended: no request was sent, and none can succeed while
/// the server or the client's configuration stay as they are.
#[derive(Debug)]
pub(crate) struct HandshakeFailed {
    pub host: String,
    pub error: rustls::Error,
}

impl std::error::Error for HandshakeFailed {}

impl fmt::Display for HandshakeFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = &self.host;
        let rustls::Error::InvalidCertificate(e) = &self.error else {
            return write!(f, "TLS: the handshake with {host} failed: {}", self.error);
        };
        let mut cert = |what: fmt::Arguments| write!(f, "TLS: the certificate of {host} {what}");
        match e {
            Cert::NotValidForNameContext { presented, .. } if !presented.is_empty() => cert(
                format_args!("is not valid for that host: it is for {}", names(presented)),
            ),
            Cert::NotValidForName | Cert::NotValidForNameContext { .. } => {
                cert(format_args!("is not valid for that host"))
            }
            Cert::ExpiredContext { not_after, .. } => {
                cert(format_args!("expired on {}", utc(*not_after)))
            }
            Cert::Expired => cert(format_args!("has expired")),
            Cert::NotValidYetContext { not_before, .. } => cert(format_args!(
                "is not valid before {} (is this machine's clock right?)",
                utc(*not_before)
            )),
            Cert::NotValidYet => cert(format_args!(
                "is not valid yet (is this machine's clock right?)"
            )),
            Cert::UnknownIssuer => cert(format_args!(
                "is signed by a CA this client does not trust \
                 (add that CA's certificate: hathora_config_add_ca_pem or hathora_config_add_ca_file)"
            )),
            Cert::BadSignature => cert(format_args!("has a signature that does not verify")),
            Cert::InvalidPurpose | Cert::InvalidPurposeContext { .. } => {
                cert(format_args!("is not for TLS servers"))
            }
            other => cert(format_args!("was refused: {other:?}")),
        }
    }
}

/// The names a certificate holds, as webpki writes them (`DnsName("a.test")`,
/// `IpAddress(10.0.0.1)`), without the wrapping.
fn names(presented: &[String]) -> String {
    let bare = |n: &str| {
        n.strip_prefix("DnsName(\"")
            .and_then(|n| n.strip_suffix("\")"))
            .or_else(|| n.strip_prefix("IpAddress(")?.strip_suffix(')'))
            .unwrap_or(n)
            .to_owned()
    };
    presented
        .iter()
        .map(|n| bare(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A moment as `YYYY-MM-DD HH:MM:SS UTC`.
fn utc(t: UnixTime) -> String {
    let secs = t.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::ServerName;
    use std::time::Duration;

    fn at(secs: u64) -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(secs))
    }

    #[test]
    fn dates_are_calendar_dates() {
        #[rustfmt::skip]
        let cases = [
            (0, "1970-01-01 00:00:00 UTC"),
            (951_782_400, "2000-02-29 00:00:00 UTC"),
            (1_735_689_599, "2024-12-31 23:59:59 UTC"),
            (4_102_444_800, "2100-01-01 00:00:00 UTC"),
        ];
        for (secs, text) in cases {
            assert_eq!(utc(at(secs)), text, "{secs}");
        }
    }

    /// (rustls's certificate error, what the message must say)
    #[test]
    fn each_certificate_failure_says_which() {
        let name = ServerName::try_from("127.0.0.1").unwrap();
        #[rustfmt::skip]
        let cases = [
            (Cert::NotValidForNameContext { expected: name, presented: vec!["DnsName(\"other.test\")".into(), "IpAddress(10.0.0.1)".into()] },
             "TLS: the certificate of 127.0.0.1 is not valid for that host: it is for other.test, 10.0.0.1"),
            (Cert::ExpiredContext { time: at(1_000_000_000), not_after: at(951_782_400) },
             "TLS: the certificate of 127.0.0.1 expired on 2000-02-29 00:00:00 UTC"),
            (Cert::NotValidYetContext { time: at(0), not_before: at(951_782_400) },
             "TLS: the certificate of 127.0.0.1 is not valid before 2000-02-29 00:00:00 UTC"),
            (Cert::UnknownIssuer,
             "TLS: the certificate of 127.0.0.1 is signed by a CA this client does not trust (add that CA's certificate"),
        ];
        for (error, message) in cases {
            let text = HandshakeFailed {
                host: "127.0.0.1".into(),
                error: rustls::Error::InvalidCertificate(error.clone()),
            }
            .to_string();
            assert!(text.starts_with(message), "{error:?}: {text}");
        }
    }
}
