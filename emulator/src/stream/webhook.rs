//! The account's webhook: `PUT /stream/webhook` sets where Stream notifies, `GET` shows it,
//! `DELETE` removes it. The answer carries the secret that signs the notifications; it is
//! made with the first `PUT` and kept until the webhook is deleted, as Cloudflare keeps it.

use std::time::SystemTime;

use axum::http::Method;
use serde_json::{Value, json};

use super::library::Webhook;
use super::time::rfc3339;
use super::{Answer, Call, Handled, not_found};

pub(super) fn handle(call: &Call<'_>) -> Handled {
    let account = call.account();
    let mut library = call.library();
    let answer = match call.op.method {
        Method::PUT => {
            let url = call
                .field("notificationUrl")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Ok(Answer::result(json(library.set_webhook(
                account,
                url,
                SystemTime::now(),
            ))))
        }
        Method::GET => library.webhook(account).map_or_else(
            || {
                Err(not_found(
                    "No webhook is set for this account: set one with PUT.",
                    "/path/account_id",
                ))
            },
            |webhook| Ok(Answer::result(json(webhook))),
        ),
        // Deleting is idempotent: there is no webhook afterwards either way.
        Method::DELETE => {
            library.delete_webhook(account);
            Ok(Answer::ok())
        }
        _ => return None,
    };
    Some(answer)
}

fn json(webhook: &Webhook) -> Value {
    json!({
        "notificationUrl": webhook.notification_url,
        "modified": rfc3339(webhook.modified),
        "secret": webhook.secret,
    })
}
