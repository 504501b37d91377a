//! Bearer tokens: each app accepts its own tokens and no other app's. Every comparison takes
//! constant time ([`Token::matches`]), and every token of the app is compared (no early exit).

use std::collections::HashMap;

use axum::http::{HeaderMap, header};

use super::error::ApiError;
use crate::config::{AppConfig, Token};

pub(crate) struct Auth {
    apps: HashMap<String, Vec<Token>>,
}

impl Auth {
    pub(crate) fn new(apps: &[AppConfig]) -> Self {
        Auth {
            apps: apps
                .iter()
                .map(|a| (a.app_id.clone(), a.tokens.clone()))
                .collect(),
        }
    }

    /// 401 unless the bearer token is one of `app_id`'s. A token of another app on an app id
    /// that does not exist is a 404 (the caller is authenticated, the app is unknown).
    pub(crate) fn authorize(&self, headers: &HeaderMap, app_id: &str) -> Result<(), ApiError> {
        let Some(presented) = bearer(headers) else {
            return Err(ApiError::unauthorized());
        };
        match self.apps.get(app_id) {
            Some(tokens) if any_matches(tokens, presented) => Ok(()),
            Some(_) => Err(ApiError::unauthorized()),
            None if self.apps.values().any(|t| any_matches(t, presented)) => {
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

/// The token of `Authorization: Bearer <token>` (scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let space = value.iter().position(|b| *b == b' ')?;
    let (scheme, token) = (&value[..space], &value[space + 1..]);
    scheme
        .eq_ignore_ascii_case(b"bearer")
        .then(|| token.trim_ascii())
}
