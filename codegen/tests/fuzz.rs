//! The long run of the hardening checks: a stable-Rust fuzzing harness (cargo-fuzz needs
//! nightly) over the loader, the naming rules and the whole generator, driven by proptest's
//! generators and shrinking. Not run by `cargo test`; run it with
//!
//! ```sh
//! HARDENING_CASES=100000 cargo test --release -p cloudflare-stream-codegen --test fuzz -- --ignored --nocapture
//! ```
//!
//! `HARDENING_CASES` is the number of inputs per target (default 10,000); `HARDENING_SEED`
//! replays a run. Each target prints how many inputs it ran; a failure prints the smallest
//! input that still fails. Hangs stop the run at once and print the input.

mod hardening;

use std::path::PathBuf;

use codegen::naming::{self, Scope};
use hardening::{judge, mutate, random, run_cases};
use proptest::prelude::*;

fn cases() -> u32 {
    hardening::cases(10_000)
}

/// Bytes and text, spec-like or not, as YAML and as JSON: the loader reads or refuses them.
#[test]
#[ignore = "long: run with --ignored (see the file's doc)"]
fn fuzz_loader() {
    let text = prop_oneof![
        any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "\\PC{0,400}",
        prop::collection::vec(
            prop::sample::select(vec![
                "openapi: 3.0.3\n",
                "info: {title: t, version: '1'}\n",
                "paths:\n",
                "  /accounts/{a}/x:\n",
                "    get:\n",
                "      parameters: [{name: a, in: path, required: true, schema: {type: string}}]\n",
                "      responses: {'200': {description: ok, content: {application/json: {schema: ",
                "}}}}\n",
                "components:\n",
                "  schemas:\n",
                "    A: ",
                "{$ref: '#/components/schemas/A'}",
                "{type: array, items: ",
                "{allOf: [",
                "{oneOf: [",
                "]}",
                "}",
                "{type: object, properties: {a: ",
                "&x ",
                "*x ",
                "<<: *x\n",
                "[",
                "]",
                "{",
                ", ",
                "- ",
                "? ",
                ": ",
                "!!binary ",
                "'",
                "\"",
                "\n",
                "  ",
                "\t",
                "---\n",
                "~",
                "null",
                "1e999",
                ".nan",
                "é",
            ]),
            0..80,
        )
        .prop_map(|t| t.concat()),
    ];
    let mut total = 0;
    for json in [false, true] {
        let name = if json { "spec/a.json" } else { "spec/a.yaml" };
        total += run_cases(
            &format!("loader ({name})"),
            cases() / 2,
            text.clone(),
            |text| judge(vec![(PathBuf::from(name), text)], false),
        );
    }
    eprintln!("loader: {total} inputs");
}

/// Random names through the naming rules and scopes.
#[test]
#[ignore = "long: run with --ignored (see the file's doc)"]
fn fuzz_naming() {
    run_cases(
        "naming",
        cases() * 10,
        prop::collection::vec(prop_oneof![random::name(), any::<String>()], 1..64),
        |names| {
            let mut scope = Scope::default();
            let mut seen = std::collections::BTreeSet::new();
            for name in &names {
                for ident in [
                    naming::snake(name),
                    naming::camel(name),
                    naming::type_name(name),
                ] {
                    if syn::parse_str::<syn::Ident>(&ident).is_err() || ident == "_" {
                        return Err(format!("{name:?} gave {ident:?}"));
                    }
                    let claimed = scope.claim(ident);
                    if !seen.insert(claimed.trim_start_matches("r#").to_owned()) {
                        return Err(format!("{claimed:?} handed out twice"));
                    }
                }
            }
            Ok(())
        },
    );
}

/// Random valid specs through the whole generator.
#[test]
#[ignore = "long: run with --ignored (see the file's doc)"]
fn fuzz_random_specs() {
    run_cases("random valid specs", cases(), random::spec(), |spec| {
        judge(spec.render(), true)
    });
}

/// Mutations of `spec/` and of Cloudflare's Stream schema through the whole generator.
#[test]
#[ignore = "long: run with --ignored (see the file's doc)"]
fn fuzz_mutations() {
    let sdk = mutate::sdk_spec();
    run_cases("mutations of spec/", cases(), mutate::case(), |case| {
        judge(mutate::render(sdk, &case), false)
    });
    let stream = mutate::stream_schema();
    run_cases(
        "mutations of cloudflare-stream.yaml",
        cases() / 10,
        mutate::case(),
        |case| judge(mutate::render(stream, &case), false),
    );
}
