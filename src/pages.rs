//! Every item of a paged listing as one lazy sequence: [`Pages`], built by the `all()` method
//! that the generator gives each paged operation (`client.stream().list(account).all()`).
//!
//! Two ways of paging, as Cloudflare's operations page ([`Paging`]):
//!
//! - **by creation instant**, Stream's video list: no cursor, at most 1,000 videos an answer.
//!   Pages are asked in ascending order, each from the creation instant of the last item seen
//!   (`start` keeps videos created at or after it). The items of that instant that were
//!   already handed out come again and are skipped by their id, so videos sharing one instant
//!   are neither skipped nor repeated, however the page boundary cuts them. A page full of
//!   items all seen before (more items share one instant than a page holds) cannot advance:
//!   that is an [`Error::Pagination`], not an endless loop.
//! - **numbered pages** (`page`, `per_page`), the rest of Cloudflare's API: pages 1, 2, ...
//!   until one is shorter than the page size.
//!
//! A page is fetched only when the items before it were taken, and one request at a time:
//! memory holds one page.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Request};

/// How an operation pages. Written by generated code (from the spec's paging, or its
/// `x-pagination` extension); application code gets a [`Pages`] from `all()`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Paging<Item> {
    /// Ascending by creation instant, each page from the last instant seen.
    Created {
        /// The boolean query parameter asking for ascending order (`asc`).
        order: &'static str,
        /// The query parameter keeping items created at or after an instant (`start`).
        start: &'static str,
        /// The query parameter setting the page size (`limit`), if there is one.
        limit: Option<&'static str>,
        /// The service's largest (and default) page.
        page_size: usize,
        /// An item's creation instant, as the service writes it.
        created: fn(&Item) -> Option<&str>,
        /// An item's identity.
        id: fn(&Item) -> Option<&str>,
    },
    /// Numbered pages from 1.
    Numbered {
        /// The page number's query parameter (`page`).
        page: &'static str,
        /// The page size's query parameter (`per_page`).
        per_page: &'static str,
        /// The page size asked for when the caller sets none.
        page_size: usize,
    },
}

/// Where a listing stands between pages.
#[derive(Debug, Default)]
enum Cursor {
    /// Nothing fetched yet.
    #[default]
    First,
    /// By creation instant: the last instant handed out, and the ids handed out at it.
    Created {
        instant: String,
        seen: HashSet<String>,
    },
    /// The next numbered page.
    Page(u64),
    /// The last page was fetched (or a request failed).
    Done,
}

/// Every item of a listing, page after page, fetched as they are taken.
///
/// ```no_run
/// # async fn run(client: cloudflare_stream::Client) -> Result<(), cloudflare_stream::Error> {
/// use cloudflare_stream::MediaState;
///
/// let account = "023e105f4ecef8ad9ca31a8372d0c353";
/// // Every ready video, oldest first, however many thousands: one page in memory at a time.
/// let mut videos = client.stream().list(account).status(MediaState::Ready).all();
/// while let Some(video) = videos.next().await {
///     let video = video?;
///     println!("{}", video.uid.unwrap_or_default());
/// }
/// println!("{} requests", videos.requests());
/// # Ok(())
/// # }
/// ```
///
/// The filters and options set on the request apply to every page (a `limit` sets the page
/// size). A failed request ends the listing with its error; the items before it were handed
/// out.
#[must_use = "a listing fetches nothing until `next` is awaited"]
pub struct Pages<Item, Op> {
    /// The request as the caller built it: copied for each page, never sent itself (unless
    /// building it found a problem, which sending it reports).
    template: Option<Request<Vec<Item>, Op>>,
    paging: Paging<Item>,
    cursor: Cursor,
    /// Items of the last page not yet taken.
    buffer: VecDeque<Item>,
    requests: usize,
}

impl<Item, Op> std::fmt::Debug for Pages<Item, Op> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("template", &self.template)
            .field("cursor", &self.cursor)
            .field("buffered", &self.buffer.len())
            .field("requests", &self.requests)
            .finish()
    }
}

impl<Item, Op> Pages<Item, Op>
where
    Item: DeserializeOwned + Serialize,
{
    /// Every item `request` lists, paged as `paging` says.
    #[doc(hidden)]
    pub fn new(request: Request<Vec<Item>, Op>, paging: Paging<Item>) -> Self {
        Self {
            template: Some(request),
            paging,
            cursor: Cursor::First,
            buffer: VecDeque::new(),
            requests: 0,
        }
    }

    /// The next item, fetching the next page when the last one is used up; `None` after the
    /// last item, or after an error (returned once).
    pub async fn next(&mut self) -> Option<Result<Item, Error>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            if matches!(self.cursor, Cursor::Done) {
                return None;
            }
            if let Err(error) = self.fetch().await {
                self.cursor = Cursor::Done;
                self.buffer.clear();
                return Some(Err(error));
            }
        }
    }

    /// Every remaining item, in order; the first error instead if a request fails.
    pub async fn try_collect(mut self) -> Result<Vec<Item>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    /// How many requests were sent so far.
    pub fn requests(&self) -> usize {
        self.requests
    }

    /// Fetches the next page into the buffer, and moves the cursor past it.
    async fn fetch(&mut self) -> Result<(), Error> {
        let Some(template) = &self.template else {
            self.cursor = Cursor::Done;
            return Ok(());
        };
        let Some(request) = template.duplicate() else {
            // Building the request found a problem: sending it reports that.
            self.cursor = Cursor::Done;
            let template = self.template.take();
            return match template {
                Some(request) => request.await.map(|_| ()),
                None => Ok(()),
            };
        };
        match self.paging {
            Paging::Created {
                order,
                start,
                limit,
                page_size,
                created,
                id,
            } => {
                let size = limit
                    .and_then(|name| template.query_value(name))
                    .and_then(|text| text.parse::<usize>().ok())
                    .filter(|&size| size > 0)
                    .map_or(page_size, |size| size.min(page_size));
                let operation = template.operation_name();
                let mut request = request.set_query(order, "true");
                if let Cursor::Created { instant, .. } = &self.cursor {
                    request = request.set_query(start, instant);
                }
                let page = request.await?;
                self.requests += 1;
                self.take_created_page(page, size, created, id, operation)
            }
            Paging::Numbered {
                page,
                per_page,
                page_size,
            } => {
                let size = template
                    .query_value(per_page)
                    .and_then(|text| text.parse::<usize>().ok())
                    .filter(|&size| size > 0)
                    .unwrap_or(page_size);
                let number = match self.cursor {
                    Cursor::Page(number) => number,
                    _ => 1,
                };
                let items = request
                    .set_query(page, &number.to_string())
                    .set_query(per_page, &size.to_string())
                    .await?;
                self.requests += 1;
                self.cursor = if items.len() < size {
                    Cursor::Done
                } else {
                    Cursor::Page(number + 1)
                };
                self.buffer.extend(items);
                Ok(())
            }
        }
    }

    /// Takes a page listed from the cursor's instant: skips the items handed out before, keeps
    /// the rest, and moves the cursor to the page's last instant.
    fn take_created_page(
        &mut self,
        page: Vec<Item>,
        size: usize,
        created: fn(&Item) -> Option<&str>,
        id: fn(&Item) -> Option<&str>,
        operation: &'static str,
    ) -> Result<(), Error> {
        let full = page.len() >= size;
        let (mut instant, mut seen) = match std::mem::take(&mut self.cursor) {
            Cursor::Created { instant, seen } => (Some(instant), seen),
            _ => (None, HashSet::new()),
        };
        let mut fresh = 0;
        for item in page {
            let (Some(at), Some(key)) = (created(&item), id(&item)) else {
                return Err(Error::Pagination {
                    operation,
                    message: "an item has no creation instant or no id to page by".to_owned(),
                });
            };
            if instant.as_deref() == Some(at) {
                if !seen.insert(key.to_owned()) {
                    continue;
                }
            } else {
                instant = Some(at.to_owned());
                seen.clear();
                seen.insert(key.to_owned());
            }
            fresh += 1;
            self.buffer.push_back(item);
        }
        self.cursor = match instant {
            // A page shorter than the page size was the last.
            _ if !full => Cursor::Done,
            Some(_) if fresh == 0 => {
                return Err(Error::Pagination {
                    operation,
                    message: format!(
                        "more than {size} items share one creation instant: the listing cannot go past it"
                    ),
                });
            }
            Some(instant) => Cursor::Created { instant, seen },
            None => Cursor::Done,
        };
        Ok(())
    }
}

/// A [`Pages`] as a [`futures_core::Stream`] of items, from [`Pages::into_stream`]: for stream
/// combinators (`StreamExt::take`, `try_collect`, `buffered` ...).
#[must_use = "a stream fetches nothing until it is polled"]
pub struct PagesStream<Item, Op> {
    state: StreamState<Item, Op>,
}

// Nothing in it is ever pinned in place: the fetching future is boxed.
impl<Item, Op> Unpin for PagesStream<Item, Op> {}

/// The next item being fetched owns the listing meanwhile.
type Fetching<Item, Op> =
    Pin<Box<dyn Future<Output = (Pages<Item, Op>, Option<Result<Item, Error>>)> + Send>>;

enum StreamState<Item, Op> {
    /// Boxed: the listing is large beside the future that owns it while fetching.
    Idle(Box<Pages<Item, Op>>),
    Fetching(Fetching<Item, Op>),
    Done,
}

impl<Item, Op> std::fmt::Debug for PagesStream<Item, Op> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            StreamState::Idle(_) => "idle",
            StreamState::Fetching(_) => "fetching",
            StreamState::Done => "done",
        };
        f.debug_struct("PagesStream")
            .field("state", &state)
            .finish()
    }
}

impl<Item, Op> Pages<Item, Op>
where
    Item: DeserializeOwned + Serialize + Send + 'static,
    Op: 'static,
{
    /// The listing as a [`futures_core::Stream`] of items, one page fetched at a time as
    /// they are taken.
    pub fn into_stream(self) -> PagesStream<Item, Op> {
        PagesStream {
            state: StreamState::Idle(Box::new(self)),
        }
    }
}

impl<Item, Op> futures_core::Stream for PagesStream<Item, Op>
where
    Item: DeserializeOwned + Serialize + Send + 'static,
    Op: 'static,
{
    type Item = Result<Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, StreamState::Done) {
                StreamState::Idle(mut pages) => {
                    // A buffered item needs no request.
                    if let Some(item) = pages.buffer.pop_front() {
                        this.state = StreamState::Idle(pages);
                        return Poll::Ready(Some(Ok(item)));
                    }
                    this.state = StreamState::Fetching(Box::pin(async move {
                        let next = pages.next().await;
                        (*pages, next)
                    }));
                }
                StreamState::Fetching(mut fetching) => match fetching.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = StreamState::Fetching(fetching);
                        return Poll::Pending;
                    }
                    Poll::Ready((pages, next)) => {
                        if next.is_some() {
                            this.state = StreamState::Idle(Box::new(pages));
                        }
                        return Poll::Ready(next);
                    }
                },
                StreamState::Done => return Poll::Ready(None),
            }
        }
    }
}
