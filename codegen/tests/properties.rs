//! Property tests of the generator under hostile input, short enough for CI (a few seconds):
//!
//! - random but valid specs always generate Rust that parses (syn), with unique names where
//!   Rust needs them, a model with no undefined, infinitely sized or endlessly decoding type,
//!   and the same output every time and whatever the order of the files;
//! - random mutations of real specs (`spec/`, and `schemas/cloudflare/cloudflare-stream.yaml`) either generate such Rust or are refused with an error naming a spec
//!   file and a JSON pointer;
//! - arbitrary text never panics the loader; the naming rules always give valid, unique
//!   identifiers.
//!
//! A panic (caught with `catch_unwind`) or a case running longer than
//! [`hardening::CASE_LIMIT`] fails. `HARDENING_CASES=n` runs `n` cases of each;
//! `HARDENING_SEED=s` replays a run. The long run is `tests/fuzz.rs`.

mod hardening;

use std::path::PathBuf;

use codegen::naming::{self, Scope};
use hardening::{judge, mutate, random, run_cases};
use proptest::prelude::*;

#[test]
fn random_valid_specs_generate_clean_rust() {
    run_cases(
        "random valid specs",
        hardening::cases(96),
        random::spec(),
        |spec| judge(spec.render(), true),
    );
}

#[test]
fn mutations_of_the_sdk_spec_generate_or_are_refused_with_a_location() {
    let spec = mutate::sdk_spec();
    run_cases(
        "mutations of spec/",
        hardening::cases(160),
        mutate::case(),
        |case| judge(mutate::render(spec, &case), false),
    );
}

#[test]
fn mutations_of_the_stream_schema_generate_or_are_refused_with_a_location() {
    let spec = mutate::stream_schema();
    run_cases(
        "mutations of cloudflare-stream.yaml",
        hardening::cases(24),
        mutate::case(),
        |case| judge(mutate::render(spec, &case), false),
    );
}

/// Text that looks a little like a spec: YAML and JSON tokens, anchors and aliases, tags,
/// references, in any order.
fn spec_like_text() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "openapi: 3.0.3\n",
        "info: {title: t, version: '1'}\n",
        "paths:\n",
        "  /a/{b}:\n",
        "    get:\n",
        "      responses: {'200': {description: ok}}\n",
        "components:\n",
        "  schemas:\n",
        "    A: ",
        "{type: object, properties: {a: ",
        "$ref: '#/components/schemas/A'",
        "}}",
        "&x ",
        "*x ",
        "<<: *x\n",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "- ",
        "? ",
        ": ",
        "!!binary ",
        "!custom ",
        "\"\\u0000\"",
        "'",
        "\"",
        "\n",
        "  ",
        "\t",
        "%YAML 1.2\n",
        "---\n",
        "...\n",
        "~",
        "null",
        "1e999",
        "-0",
        "0x1F",
        ".nan",
        "\u{feff}",
        "é",
    ]);
    prop::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

#[test]
fn arbitrary_text_is_read_or_refused_never_a_panic() {
    let strategy = (
        prop_oneof![spec_like_text(), "\\PC{0,200}", any::<String>()],
        any::<bool>(),
    );
    run_cases(
        "arbitrary text",
        hardening::cases(256),
        strategy,
        |(text, json)| {
            let name = if json { "spec/a.json" } else { "spec/a.yaml" };
            judge(vec![(PathBuf::from(name), text)], false)
        },
    );
}

/// Whether `name` is one Rust identifier (raw or not) that a type or function could have.
fn is_identifier(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok() && name != "_"
}

#[test]
fn naming_rules_give_valid_unique_identifiers() {
    let strategy = prop::collection::vec(prop_oneof![random::name(), any::<String>()], 1..24);
    run_cases("naming rules", hardening::cases(2_000), strategy, |names| {
        let mut snakes = Scope::default();
        let mut camels = Scope::default();
        let mut seen = std::collections::BTreeSet::new();
        for name in &names {
            let snake = naming::snake(name);
            let camel = naming::camel(name);
            let ty = naming::type_name(name);
            for ident in [&snake, &camel, &ty] {
                if !is_identifier(ident) {
                    return Err(format!("{name:?} gave {ident:?}, not an identifier"));
                }
            }
            let plain = snake.trim_start_matches("r#");
            if !plain
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(format!("{name:?} gave {snake:?}, not snake case"));
            }
            if !camel.starts_with(|c: char| c.is_ascii_uppercase())
                || !ty.starts_with(|c: char| c.is_ascii_uppercase())
            {
                return Err(format!("{name:?} gave {camel:?} / {ty:?}, not camel case"));
            }
            for claimed in [snakes.claim(snake), camels.claim(ty)] {
                if !is_identifier(&claimed) {
                    return Err(format!(
                        "{name:?} was numbered {claimed:?}, not an identifier"
                    ));
                }
                if !seen.insert(claimed.trim_start_matches("r#").to_owned()) {
                    return Err(format!("{claimed:?} was handed out twice"));
                }
            }
        }
        // The same names in the same order are given the same identifiers.
        let again = |names: &[String]| {
            let mut scope = Scope::default();
            names
                .iter()
                .map(|n| scope.claim(naming::snake(n)))
                .collect::<Vec<_>>()
        };
        if again(&names) != again(&names) {
            return Err("numbering is not deterministic".into());
        }
        Ok(())
    });
}
