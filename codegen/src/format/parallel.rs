//! Printing a file cut into parts: each part printed on its own, on several threads, where it
//! stands, then put together into exactly the text of the whole file printed at once.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{HEADER, internal, print};
use crate::error::Result;

/// The name of the placeholder items, followed by the part's index.
const PLACEHOLDER: &str = "__CodegenPart";

/// The module a part is printed in, once per level of nesting, so that it is laid out as it
/// would be where it stands.
const FRAME: &str = "__codegen_frame";

/// How far prettyplease indents each level of nesting.
const INDENT: usize = 4;

/// The item that stands for part `index` in the skeleton given to [`format_parts`].
pub fn placeholder(index: usize) -> TokenStream {
    let name = format_ident!("{PLACEHOLDER}{index}");
    quote!(struct #name;)
}

/// How many parts each thread should get before starting it is worth its cost (about that
/// of printing a small part).
const PARTS_PER_THREAD: usize = 4;

/// How many threads [`format_parts`] should use for `parts` parts: one per core, but no more
/// than have a few parts each. The SDK's own spec (two parts) is printed on the calling thread.
pub fn threads_for(parts: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cores.min(parts / PARTS_PER_THREAD).max(1)
}

/// Prints a file given as a `skeleton` with the [`placeholder`] of each of its top-level parts,
/// and `part`, which makes the tokens of one of the `count` parts (a sequence of items, with
/// the placeholders of the parts inside it), as a formatted Rust file: the same text as
/// [`format()`](super::format) of the whole file, whatever `threads` is.
///
/// Parts are made and printed on up to `threads` threads (tokens cannot cross threads, so each
/// part is made where it is printed), and only those being printed are held as tokens and
/// syntax trees. Each part is printed inside as many modules as its placeholder is deep, so
/// that its lines break as they would in the whole file; prettyplease lays out every item on
/// its own once its indentation is known. The parts whose placeholders the skeleton holds are
/// printed first, then those whose placeholders they hold, and so on.
pub fn format_parts<F>(
    skeleton: TokenStream,
    count: usize,
    part: F,
    threads: usize,
) -> Result<String>
where
    F: Fn(usize) -> TokenStream + Sync,
{
    let frame = print(skeleton)?;
    let mut texts: Vec<Option<String>> = vec![None; count];
    let mut wave = placeholders(&frame);
    while !wave.is_empty() {
        let printed = in_parallel(wave.len(), threads, |k| {
            let (index, depth) = wave[k];
            print_nested(part(index), depth)
        });
        let mut next = Vec::new();
        for (&(index, _), text) in wave.iter().zip(printed) {
            let text = text?;
            next.extend(placeholders(&text));
            match texts.get_mut(index) {
                Some(slot @ None) => *slot = Some(text),
                _ => return Err(internal(&format!("part {index} has no single place"))),
            }
        }
        wave = next;
    }
    if let Some(index) = texts.iter().position(Option::is_none) {
        return Err(internal(&format!("part {index} has no place")));
    }

    let size = frame.len() + texts.iter().flatten().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(HEADER.len() + 1 + size);
    out.push_str(HEADER);
    out.push('\n');
    expand(&frame, &texts, &mut out);
    Ok(out)
}

/// The placeholders in printed `text`: each part's index and nesting depth.
fn placeholders(text: &str) -> Vec<(usize, usize)> {
    text.lines().filter_map(placeholder_line).collect()
}

/// `text` with each placeholder replaced by its part's text, itself expanded. Every part has
/// one place (checked before), so this ends.
fn expand(text: &str, texts: &[Option<String>], out: &mut String) {
    for line in text.split_inclusive('\n') {
        match placeholder_line(line.trim_end_matches('\n')) {
            Some((index, _)) => match texts.get(index) {
                Some(Some(inner)) => expand(inner, texts, out),
                _ => out.push_str(line),
            },
            None => out.push_str(line),
        }
    }
}

/// The part index and nesting depth of a placeholder's line, if `line` is one.
fn placeholder_line(line: &str) -> Option<(usize, usize)> {
    let item = line.trim_start_matches(' ');
    if !item.starts_with("struct __") {
        return None;
    }
    let index = item
        .strip_prefix("struct ")?
        .strip_prefix(PLACEHOLDER)?
        .strip_suffix(';')?
        .parse()
        .ok()?;
    Some((index, (line.len() - item.len()) / INDENT))
}

/// `items` printed as they are laid out `depth` modules deep, indentation included.
fn print_nested(items: TokenStream, depth: usize) -> Result<String> {
    if items.is_empty() {
        return Ok(String::new());
    }
    let frame = format_ident!("{FRAME}");
    let wrapped = (0..depth).fold(items, |inner, _| quote!(mod #frame { #inner }));
    let text = print(wrapped)?;
    // `depth` lines open the frames, `depth` lines close them.
    let mut lines = text.split_inclusive('\n');
    let opening = lines.by_ref().take(depth).map(str::len).sum::<usize>();
    let closing = lines.rev().take(depth).map(str::len).sum::<usize>();
    if opening + closing > text.len() {
        return Err(internal("a part printed shorter than its frame"));
    }
    Ok(text[opening..text.len() - closing].to_owned())
}

/// Runs `job` for `0..count` on up to `threads` threads (the caller's among them), each taking
/// the next index as it becomes free; the results in index order.
fn in_parallel<T, F>(count: usize, threads: usize, job: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let threads = threads.clamp(1, count.max(1));
    if threads == 1 {
        return (0..count).map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                return done;
            }
            done.push((index, job(index)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::super::format;
    use super::*;
    use crate::error::Error;

    #[test]
    fn nested_parts_keep_their_indentation() {
        let skeleton = quote! {
            pub mod a {
                pub mod b {
                    struct __CodegenPart0;
                }
                struct __CodegenPart1;
            }
        };
        let part = |index: usize| match index {
            0 => {
                quote! { pub fn long_enough_to_wrap(first_argument: u64, second_argument: u64, third_arg_x: u64) -> u64 { first_argument } }
            }
            _ => quote! { pub struct Marker; },
        };
        let whole = format(quote! {
            pub mod a {
                pub mod b {
                    pub fn long_enough_to_wrap(first_argument: u64, second_argument: u64, third_arg_x: u64) -> u64 { first_argument }
                }
                pub struct Marker;
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        // 96 characters: one line at the top level, wrapped two modules deep.
        assert!(whole.contains("long_enough_to_wrap(\n"), "{whole}");
        let printed = format_parts(skeleton, 2, part, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(printed, whole);
    }

    #[test]
    fn a_part_that_does_not_parse_is_an_error() {
        let error = format_parts(placeholder(0), 1, |_| quote!(fn), 1).expect_err("refused");
        assert!(matches!(error, Error::Emit { .. }), "{error}");
    }
}
