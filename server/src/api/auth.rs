//! Bearer tokens. Each app accepts its own dev tokens and no other app's; each game-server
//! process its own process token, for its own rooms only (see [`Caller`]). Dev tokens are
//! compared in constant time ([`Token::matches`]), every token of the app (no early exit);
//! process tokens by their digest ([`ProcessTokens::verify`]).
//!
//! The header is `Authorization: Bearer <token>`: the scheme in any case, exactly one space,
//! then 1 to [`MAX_TOKEN_LEN`] visible ASCII characters (the config refuses longer dev tokens).
//! Anything else is no credential (401), refused before any comparison.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};

use super::error::ApiError;
use crate::config::{AppConfig, MAX_TOKEN_LEN, Token};
use crate::process_tokens::ProcessTokens;
use crate::rooms::Scope;

/// Who is calling, once authorized for the app of the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A dev token of the app: every operation of the app.
    App,
    /// The process token of this process: the lists of this process, and GetRoomInfo,
    /// UpdateRoomConfig and DestroyRoom of the rooms currently on it.
    Process(String),
}

impl Caller {
    /// The rooms this caller sees.
    pub(crate) fn scope(&self) -> Scope<'_> {
        match self {
            Caller::App => Scope::App,
            Caller::Process(p) => Scope::Process(p),
        }
    }

    /// 401 unless a dev token: the operations a process token never allows.
    pub(crate) fn app_only(&self, operation: &str) -> Result<(), ApiError> {
        match self {
            Caller::App => Ok(()),
            Caller::Process(_) => Err(process_refused(operation)),
        }
    }

    /// 401 for a process token of another process (whether that process exists or not: the
    /// answer does not depend on it).
    pub(crate) fn lists_of(&self, process_id: &str, operation: &str) -> Result<(), ApiError> {
        match self {
            Caller::Process(own) if own != process_id => Err(process_refused(operation)),
            _ => Ok(()),
        }
    }
}

fn process_refused(operation: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        format!(
            "Unauthorized: a process token does not allow {operation} (it allows the room lists of its own process, and GetRoomInfo, UpdateRoomConfig and DestroyRoom of its rooms)"
        ),
    )
}

pub(crate) struct Auth {
    apps: HashMap<String, Vec<Token>>,
    processes: Arc<ProcessTokens>,
}

impl Auth {
    pub(crate) fn new(apps: &[AppConfig], processes: Arc<ProcessTokens>) -> Self {
        Auth {
            apps: apps
                .iter()
                .map(|a| (a.app_id.clone(), a.tokens.clone()))
                .collect(),
            processes,
        }
    }

    /// Who holds the bearer token, on `app_id`: 401 for no credential, a wrong one, or one of
    /// another app. A valid credential of another app on an app id that does not exist is a
    /// 404 (the caller is authenticated, the app is unknown).
    pub(crate) fn authorize(&self, headers: &HeaderMap, app_id: &str) -> Result<Caller, ApiError> {
        let Some(presented) = bearer(headers) else {
            return Err(ApiError::unauthorized());
        };
        let process = self.processes.verify(presented);
        match self.apps.get(app_id) {
            Some(tokens) if any_matches(tokens, presented) => Ok(Caller::App),
            Some(_) => match process {
                Some(holder) if holder.app_id == app_id => Ok(Caller::Process(holder.process_id)),
                _ => Err(ApiError::unauthorized()),
            },
            None if process.is_some() || self.apps.values().any(|t| any_matches(t, presented)) => {
                Err(ApiError::app_not_found(app_id))
            }
            None => Err(ApiError::unauthorized()),
        }
    }

    /// GetConnectionInfo needs no token, only an app that exists.
    pub(crate) fn check_app(&self, app_id: &str) -> Result<(), ApiError> {
        if self.apps.contains_key(app_id) {
            Ok(())
        } else {
            Err(ApiError::app_not_found(app_id))
        }
    }
}

fn any_matches(tokens: &[Token], presented: &[u8]) -> bool {
    tokens
        .iter()
        .fold(false, |found, t| found | t.matches(presented))
}

/// The token of `Authorization: Bearer <token>`, when the header is exactly that.
fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, token) = value.split_at_checked(b"bearer ".len())?;
    let well_formed = scheme.eq_ignore_ascii_case(b"bearer ")
        && (1..=MAX_TOKEN_LEN).contains(&token.len())
        && token.iter().all(u8::is_ascii_graphic);
    well_formed.then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn parsed(value: &[u8]) -> Option<Vec<u8>> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_bytes(value).unwrap(),
        );
        bearer(&headers).map(<[u8]>::to_vec)
    }

    #[test]
    fn only_bearer_one_space_and_a_visible_ascii_token() {
        assert_eq!(parsed(b"Bearer tok"), Some(b"tok".to_vec()));
        assert_eq!(parsed(b"bEARER tok"), Some(b"tok".to_vec()));
        let longest = vec![b'x'; MAX_TOKEN_LEN];
        assert_eq!(
            parsed(&[b"Bearer ", &longest[..]].concat()),
            Some(longest.clone())
        );
        for bad in [
            &b"Bearer"[..],
            b"Bearer ",
            b"Bearer  tok",
            b"Bearer tok en",
            b"Bearer\ttok",
            b"Basic dXNlcjpwYXNz",
            b"Bearertok",
            b"tok",
            b"Bearer t\xc3\xb6k",
            &[b"Bearer ", &longest[..], b"x"].concat(),
        ] {
            assert_eq!(parsed(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
