//! Generator speed, stage by stage (load, model, emit, format) and end to end, on three inputs:
//!
//! - `spec`: the SDK's own `spec/` folder, strictly, as `build.rs` generates it;
//! - `stream`: Cloudflare's Stream schema (`schemas/cloudflare/cloudflare-stream.yaml`), leniently;
//! - `whole_api`: Cloudflare's whole API (`schemas/cloudflare/cloudflare-openapi.json`, 4 MB,
//!   1,533 operations), leniently.
//!
//! ```sh
//! cargo bench -p cloudflare-stream-codegen --bench generator
//! cargo bench -p cloudflare-stream-codegen --bench generator -- whole_api   # one input
//! ```
//!
//! Each stage is timed on the output of the stage before it, prepared outside the timing:
//! `load` (read, parse and check the files), `model`, `emit` (the whole file's tokens at once)
//! and `format` (those tokens printed at once), the last two as the generator did before it
//! printed in parts. `emit_format_parts` is what `generate` does now: emit and print the file
//! part by part, on one thread and on every core. `end_to_end` is `load` plus `generate`.
//! BENCHMARKS.md at the repository root has the figures of one run and what they led to.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::load::Spec;
use codegen::model::Api;
use codegen::{Options, emit, format};
use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};

/// One benchmark input: the spec files and how they are generated.
struct Input {
    /// The benchmark group's name.
    name: &'static str,
    files: Vec<PathBuf>,
    options: Options,
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The inputs that are present; a missing shared spec is reported and skipped.
fn inputs() -> Vec<Input> {
    let root = repository();
    let strict = Options::default();
    let lenient = Options {
        lenient: true,
        ..Options::default()
    };
    let own = codegen::spec_files(&root.join("spec")).unwrap_or_else(|e| panic!("spec/: {e}"));
    let mut inputs = vec![Input {
        name: "spec",
        files: own,
        options: strict,
    }];
    let schemas = root.join("schemas/cloudflare");
    for (name, file) in [
        ("stream", "cloudflare-stream.yaml"),
        ("whole_api", "cloudflare-openapi.json"),
    ] {
        inputs.push(Input {
            name,
            files: vec![schemas.join(file)],
            options: lenient,
        });
    }
    inputs
}

/// One thread, and one per core when that is more.
fn thread_counts() -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if cores > 1 { vec![1, cores] } else { vec![1] }
}

fn load(files: &[PathBuf]) -> Spec {
    Spec::load_files(files.to_vec()).unwrap_or_else(|e| panic!("load: {e}"))
}

fn model(spec: &Spec, options: Options) -> Api {
    Api::build(spec, options).unwrap_or_else(|e| panic!("model: {e}"))
}

fn generator(c: &mut Criterion) {
    for input in inputs() {
        let mut group = c.benchmark_group(format!("generator/{}", input.name));
        if input.name == "whole_api" {
            // About a second an iteration: few samples, each a single run.
            group
                .sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(10));
        } else {
            group
                .sample_size(30)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
        }
        let options = input.options;
        let files = &input.files;
        let spec = load(files);
        let api = model(&spec, options);

        group.bench_function("load", |b| b.iter(|| load(black_box(files))));
        group.bench_function("model", |b| {
            b.iter(|| model(black_box(&spec), options));
        });
        group.bench_function("emit", |b| b.iter(|| emit::api(black_box(&api))));
        group.bench_function("format", |b| {
            b.iter_batched(
                || emit::api(&api),
                |tokens| format::format(tokens).unwrap_or_else(|e| panic!("format: {e}")),
                BatchSize::PerIteration,
            );
        });
        // What `generate` does: emit and format part by part, on one thread or on every core.
        let parts = format::Parts::new(&api);
        let in_parts = |threads: usize| {
            format::format_parts(
                parts.skeleton(format::placeholder),
                parts.len(),
                |index| parts.part(index, &mut format::placeholder),
                threads,
            )
            .unwrap_or_else(|e| panic!("format_parts: {e}"))
        };
        let whole = format::format(emit::api(&api)).unwrap_or_else(|e| panic!("format: {e}"));
        assert!(
            thread_counts()
                .into_iter()
                .all(|threads| in_parts(threads) == whole),
            "printing in parts must give the text of the whole file"
        );
        drop(whole);
        for threads in thread_counts() {
            let name = match threads {
                1 => "emit_format_parts/1_thread".to_owned(),
                n => format!("emit_format_parts/{n}_threads"),
            };
            group.bench_function(name, |b| {
                b.iter(|| in_parts(threads));
            });
        }
        group.bench_function("end_to_end", |b| {
            b.iter(|| {
                let spec = load(black_box(files));
                codegen::Generator::new(options)
                    .generate(&spec)
                    .unwrap_or_else(|e| panic!("generate: {e}"))
            });
        });
        group.finish();
    }
}

criterion_group!(benches, generator);
criterion_main!(benches);
