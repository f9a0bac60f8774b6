//! `videos list`: an account's videos, one line (or one JSON object) each, printed as they
//! arrive; with `--all`, every page, however many thousands (one page in memory at a time).

use std::io::{self, Write};

use cloudflare_stream::{MediaState, Video};
use serde_json::json;

use crate::commands::Context;
use crate::failure::{Failed, Failure};
use crate::output::printable;

/// What to list.
pub(crate) struct Listing<'a> {
    /// Every page, not only the first.
    pub(crate) all: bool,
    /// Videos per page (at most 1,000, the API's largest page).
    pub(crate) limit: Option<u32>,
    /// Only videos in this state.
    pub(crate) status: Option<&'a str>,
    /// Only videos whose name contains this.
    pub(crate) search: Option<&'a str>,
}

impl Context<'_> {
    /// Lists the videos: with `--all` oldest first, every page; else the first page, as the
    /// API answers it (newest first).
    pub(crate) async fn videos(&self, listing: &Listing<'_>) -> Result<(), Failed> {
        let mut request = self.client.stream().list(self.account);
        if let Some(limit) = listing.limit {
            request = request.limit(i64::from(limit));
        }
        if let Some(status) = listing.status {
            request = request.status(MediaState::from(status));
        }
        if let Some(search) = listing.search {
            request = request.search(search);
        }
        let mut out = io::stdout().lock();
        if !self.json {
            writeln!(
                out,
                "{:<32}  {:<12}  {:<20}  NAME",
                "ID", "STATE", "CREATED"
            )
            .map_err(Failure::Output)?;
        }
        if listing.all {
            let mut pages = request.all();
            while let Some(video) = pages.next().await {
                let video = video.map_err(Failure::Sdk)?;
                line(&mut out, &video, self.json).map_err(Failure::Output)?;
            }
        } else {
            for video in request.await.map_err(Failure::Sdk)? {
                line(&mut out, &video, self.json).map_err(Failure::Output)?;
            }
        }
        out.flush().map_err(Failure::Output)?;
        Ok(())
    }
}

/// One video: a row of the table, or the API's JSON object on a line of its own.
fn line(out: &mut impl Write, video: &Video, json: bool) -> io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, &json!(video))?;
        return writeln!(out);
    }
    let state = video
        .status
        .as_ref()
        .and_then(|status| status.state.as_ref())
        .map_or("-", MediaState::as_str);
    let name = video
        .meta
        .as_ref()
        .and_then(|meta| meta.get("name"))
        .and_then(|name| name.as_str())
        .unwrap_or("-");
    writeln!(
        out,
        "{:<32}  {:<12}  {:<20}  {}",
        printable(video.uid.as_deref().unwrap_or("-")),
        printable(state),
        printable(video.created.as_deref().unwrap_or("-")),
        printable(name)
    )
}
