//! Load: thousands of concurrent SDK calls against the emulator, mixing create, list and
//! delete over hundreds of videos. Afterwards the emulator holds exactly what the successful
//! calls imply (nothing lost, nothing created twice), every call had the outcome a model of
//! the API predicts (no request failed that should have succeeded), and no call needed a
//! retry (the emulator answered each request once).
//!
//! Two phases, each with every call in flight at once:
//!
//! 1. every video runs its own script of calls one after another (so its outcomes are
//!    predictable), all videos at once: 400 scripts of 8 calls;
//! 2. races on the same downloads: per video, several `create_type(audio)` and
//!    `delete_type(default)` at once, whose outcomes are predictable as a set (exactly one
//!    delete of an existing download wins).
//!
//! `LOAD_VIDEOS=n` changes the number of videos (default 400).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use cloudflare_stream::{Client, DownloadType, Error, VideoDownloads};
use cloudflare_stream_emulator::{DownloadKind, Emulator, EmulatorConfig, SeedVideo, VideoKind};

use crate::support::{ACCOUNT, emulator_client};

const CALLS_PER_SCRIPT: usize = 8;

/// A download type in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Default,
    Audio,
}

impl Kind {
    fn sdk(self) -> DownloadType {
        match self {
            Self::Default => DownloadType::Default,
            Self::Audio => DownloadType::Audio,
        }
    }
}

/// One SDK call.
#[derive(Debug, Clone, Copy)]
enum Call {
    /// `create` (the default download).
    Create,
    CreateType(Kind),
    /// `delete` (the default download).
    Delete,
    DeleteType(Kind),
    Get,
}

/// What a call gave: the types listed (for calls that return a list), or whether a delete
/// found something to delete.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Created,
    Listed(BTreeSet<Kind>),
    Deleted,
    NothingToDelete,
}

fn listed(downloads: &VideoDownloads) -> BTreeSet<Kind> {
    let mut kinds = BTreeSet::new();
    if downloads.default.is_some() {
        kinds.insert(Kind::Default);
    }
    if downloads.audio.is_some() {
        kinds.insert(Kind::Audio);
    }
    kinds
}

async fn perform(client: &Client, video: &str, call: Call) -> Result<Outcome, Error> {
    let downloads = client.stream().downloads();
    let deleted = |result: Result<String, Error>| match result {
        Ok(_) => Ok(Outcome::Deleted),
        Err(error) if error.is_not_found() => {
            let codes: Vec<i64> = error
                .api_error()
                .map(|api| api.errors.iter().map(|e| e.code).collect())
                .unwrap_or_default();
            // "No such download" (10006), not "no such video" (10005).
            if codes == [10006] {
                Ok(Outcome::NothingToDelete)
            } else {
                Err(error)
            }
        }
        Err(error) => Err(error),
    };
    match call {
        Call::Create => downloads
            .create(ACCOUNT, video)
            .await
            .map(|_| Outcome::Created),
        Call::CreateType(kind) => downloads
            .create_type(ACCOUNT, video, kind.sdk())
            .await
            .map(|d| Outcome::Listed(listed(&d))),
        Call::Delete => deleted(downloads.delete(ACCOUNT, video).await),
        Call::DeleteType(kind) => deleted(downloads.delete_type(ACCOUNT, video, kind.sdk()).await),
        Call::Get => downloads
            .get(ACCOUNT, video)
            .await
            .map(|d| Outcome::Listed(listed(&d))),
    }
}

/// The model of one video: which downloads exist, and how many were started.
#[derive(Debug, Default, Clone)]
struct Model {
    present: BTreeSet<Kind>,
    generations: u64,
}

impl Model {
    /// Applies `call` and returns the outcome the API must give.
    fn apply(&mut self, call: Call) -> Outcome {
        let mut create = |kind| {
            if self.present.insert(kind) {
                self.generations += 1;
            }
        };
        match call {
            Call::Create => {
                create(Kind::Default);
                Outcome::Created
            }
            Call::CreateType(kind) => {
                create(kind);
                Outcome::Listed(self.present.clone())
            }
            Call::Delete => self.delete(Kind::Default),
            Call::DeleteType(kind) => self.delete(kind),
            Call::Get => Outcome::Listed(self.present.clone()),
        }
    }

    fn delete(&mut self, kind: Kind) -> Outcome {
        if self.present.remove(&kind) {
            Outcome::Deleted
        } else {
            Outcome::NothingToDelete
        }
    }
}

/// A script of calls for one video, from a seeded generator.
fn script(rng: &mut fastrand::Rng) -> Vec<Call> {
    let kind = |rng: &mut fastrand::Rng| {
        if rng.bool() {
            Kind::Default
        } else {
            Kind::Audio
        }
    };
    (0..CALLS_PER_SCRIPT)
        .map(|_| match rng.u8(0..10) {
            0..2 => Call::CreateType(kind(rng)),
            2 => Call::Create,
            3..5 => Call::DeleteType(kind(rng)),
            5 => Call::Delete,
            _ => Call::Get,
        })
        .collect()
}

fn kinds_in(emulator: &Emulator, video: &str) -> BTreeSet<Kind> {
    emulator
        .downloads(ACCOUNT, video)
        .into_iter()
        .map(|(kind, _)| match kind {
            DownloadKind::Default => Kind::Default,
            DownloadKind::Audio => Kind::Audio,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_concurrent_calls_leave_exactly_the_implied_state() {
    let videos: usize = std::env::var("LOAD_VIDEOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed = fastrand::u64(..);
    let started = Instant::now();
    let emulator = Emulator::start_with(EmulatorConfig {
        generation_time: Duration::from_secs(60),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("cannot start the emulator: {e}"));
    let ids: Vec<String> = (0..videos)
        .map(|i| format!("{:032x}", 0x10ad_0000 + i))
        .collect();
    for id in &ids {
        emulator.add_video(SeedVideo::new(ACCOUNT, id, "", VideoKind::Ready));
    }
    let clients: Vec<Client> = (0..4).map(|_| emulator_client(&emulator)).collect();

    // Phase 1: one script per video, every video at once.
    let mut rng = fastrand::Rng::with_seed(seed);
    let scripts: Vec<Vec<Call>> = ids.iter().map(|_| script(&mut rng)).collect();
    let mut tasks = Vec::with_capacity(videos);
    for (index, (id, calls)) in ids.iter().zip(&scripts).enumerate() {
        let client = clients[index % clients.len()].clone();
        let (id, calls) = (id.clone(), calls.clone());
        tasks.push(tokio::spawn(async move {
            let mut model = Model::default();
            for (step, call) in calls.into_iter().enumerate() {
                let expected = model.apply(call);
                match perform(&client, &id, call).await {
                    Ok(outcome) if outcome == expected => {}
                    Ok(outcome) => {
                        return Err(format!(
                            "{id} call {step} {call:?}: got {outcome:?}, expected {expected:?}"
                        ));
                    }
                    Err(error) => {
                        return Err(format!("{id} call {step} {call:?} failed: {error}"));
                    }
                }
            }
            Ok(model)
        }));
    }
    let mut models = Vec::with_capacity(videos);
    for task in tasks {
        let result = task
            .await
            .unwrap_or_else(|e| panic!("a script panicked: {e}"));
        models.push(result.unwrap_or_else(|e| panic!("seed {seed}: {e}")));
    }
    let phase_one = videos * CALLS_PER_SCRIPT;
    assert_eq!(
        emulator.request_count(),
        phase_one as u64,
        "retries happened"
    );

    // Phase 2: races. Per video (every other one), 5 × `create_type(audio)` and
    // 5 × `delete_type(default)`, all at once, across the clients.
    const RACERS: usize = 5;
    let mut races = Vec::new();
    for (index, id) in ids.iter().enumerate().step_by(2) {
        for racer in 0..2 * RACERS {
            let client = clients[(index + racer) % clients.len()].clone();
            let call = if racer % 2 == 0 {
                Call::CreateType(Kind::Audio)
            } else {
                Call::DeleteType(Kind::Default)
            };
            let id = id.clone();
            races.push(tokio::spawn(async move {
                (index, call, perform(&client, &id, call).await)
            }));
        }
    }
    let raced = races.len();
    let mut deleted = vec![0; videos];
    for race in races {
        let (index, call, result) = race
            .await
            .unwrap_or_else(|e| panic!("a racer panicked: {e}"));
        match (call, result) {
            // Whatever the order, audio is there once its creation returns.
            (Call::CreateType(_), Ok(Outcome::Listed(kinds))) if kinds.contains(&Kind::Audio) => {}
            (Call::DeleteType(_), Ok(Outcome::Deleted)) => deleted[index] += 1,
            (Call::DeleteType(_), Ok(Outcome::NothingToDelete)) => {}
            (call, other) => panic!("seed {seed}: {} {call:?}: {other:?}", ids[index]),
        }
    }
    for (index, model) in models.iter_mut().enumerate().step_by(2) {
        let had_default = model.present.contains(&Kind::Default);
        // Exactly one delete of an existing download succeeds; none of a missing one.
        assert_eq!(deleted[index], usize::from(had_default), "{}", ids[index]);
        model.apply(Call::CreateType(Kind::Audio));
        model.apply(Call::DeleteType(Kind::Default));
    }

    // The emulator's own state (not through the SDK) is exactly the model's.
    for (id, model) in ids.iter().zip(&models) {
        assert_eq!(kinds_in(&emulator, id), model.present, "seed {seed}: {id}");
    }
    let generations: u64 = models.iter().map(|m| m.generations).sum();
    assert_eq!(emulator.generations_started(), generations, "seed {seed}");
    let total = phase_one + raced;
    assert_eq!(emulator.request_count(), total as u64, "retries happened");
    eprintln!(
        "load: {total} calls ({phase_one} in {videos} concurrent scripts, {raced} racing at \
         once), {generations} downloads generated, all as predicted, in {:?} (seed {seed})",
        started.elapsed()
    );
}
