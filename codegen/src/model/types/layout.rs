//! Passes over the finished types: a `Box` on every cycle of types held by value, a `Box` on
//! a union variant far larger than the others, and which types can derive `Eq`.

use std::collections::{BTreeSet, HashMap};

use super::super::ir::{TypeDef, TypeRef};

/// `defs` once every pass has run: boxed where they hold themselves or a far larger variant,
/// and `Eq` where nothing inside them is a float or untyped JSON.
pub(super) fn finish(mut defs: Vec<TypeDef>) -> Vec<TypeDef> {
    // Boxing changes types, never names: one index serves both.
    let index = index_by_name(&defs);
    box_cycles(&mut defs, &index);
    box_large_variants(&mut defs, &index);
    mark_eq(&mut defs);
    defs
}

/// Marks which structs and unions can derive `Eq`: those with nothing inside that is a float
/// or untyped JSON, directly or through another type; iterated until no more lose `Eq`.
fn mark_eq(defs: &mut [TypeDef]) {
    let mut not_eq: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = not_eq.len();
        for def in defs.iter() {
            let eq = match def {
                TypeDef::Struct(s) => s.fields.iter().all(|f| is_eq(&f.ty, &not_eq)),
                TypeDef::Union(u) => u.variants.iter().all(|(_, ty)| is_eq(ty, &not_eq)),
                TypeDef::Alias(a) => is_eq(&a.target, &not_eq),
                TypeDef::Enum(_) => true,
            };
            if !eq {
                not_eq.insert(def.name().to_owned());
            }
        }
        if not_eq.len() == before {
            break;
        }
    }
    for def in defs.iter_mut() {
        match def {
            TypeDef::Struct(s) => s.is_eq = !not_eq.contains(&s.name),
            TypeDef::Union(u) => u.is_eq = !not_eq.contains(&u.name),
            TypeDef::Enum(_) | TypeDef::Alias(_) => {}
        }
    }
}

/// Where each model stands in `defs`, by name.
fn index_by_name(defs: &[TypeDef]) -> HashMap<String, usize> {
    defs.iter()
        .enumerate()
        .map(|(i, def)| (def.name().to_owned(), i))
        .collect()
}

/// Boxes one field or union variant on every cycle of types held by value (a struct holding a
/// union holding the struct, say), which would have no size. Fields that refer to a struct
/// still being built are boxed as they are made; this catches the cycles through unions and
/// aliases. Deterministic: the first cycle found in definition order, the edge that closes it.
fn box_cycles(defs: &mut [TypeDef], index: &HashMap<String, usize>) {
    // Each round boxes one edge, so there are at most as many rounds as edges.
    while let Some((def, slot)) = by_value_cycle(defs, index) {
        let ty = match &mut defs[def] {
            TypeDef::Struct(s) => &mut s.fields[slot].ty,
            TypeDef::Union(u) => &mut u.variants[slot].1,
            TypeDef::Enum(_) | TypeDef::Alias(_) => return,
        };
        *ty = TypeRef::Boxed(Box::new(ty.clone()));
    }
}

/// How many bytes a union's largest variant may outweigh the next before it is boxed: the
/// threshold of clippy's `large_enum_variant`, above which every value of the union pays for
/// its largest member.
const LARGE_VARIANT: usize = 200;

/// Boxes the largest variant of each union while it outweighs the next by [`LARGE_VARIANT`]
/// bytes, as [`estimated_size`] counts them.
fn box_large_variants(defs: &mut [TypeDef], index: &HashMap<String, usize>) {
    let mut sizes = HashMap::new();
    for def in 0..defs.len() {
        while let TypeDef::Union(union) = &defs[def] {
            let mut by_size: Vec<(usize, usize)> = union
                .variants
                .iter()
                .enumerate()
                .map(|(slot, (_, ty))| (estimated_size(ty, defs, index, &mut sizes), slot))
                .collect();
            // Largest first; the earlier variant first among equals.
            by_size.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let [(largest, slot), (next, _), ..] = by_size[..] else {
                break;
            };
            if largest < next + LARGE_VARIANT {
                break;
            }
            if let TypeDef::Union(union) = &mut defs[def] {
                let ty = &mut union.variants[slot].1;
                *ty = TypeRef::Boxed(Box::new(ty.clone()));
            }
            // Whatever holds this union by value is smaller now.
            sizes.clear();
        }
    }
}

/// About how many bytes a value of `ty` takes on a 64-bit target (what it holds on the heap
/// not counted). An estimate: enough to tell a large variant from a small one.
fn estimated_size(
    ty: &TypeRef,
    defs: &[TypeDef],
    index: &HashMap<String, usize>,
    sizes: &mut HashMap<usize, usize>,
) -> usize {
    match ty {
        TypeRef::Unit => 0,
        TypeRef::Boolean => 1,
        TypeRef::Integer | TypeRef::Number | TypeRef::Boxed(_) => 8,
        TypeRef::String | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Bytes => 24,
        TypeRef::Json | TypeRef::JsonObject => 32,
        TypeRef::File => 64,
        TypeRef::Named(name) => {
            let Some(&def) = index.get(name) else {
                return 0;
            };
            if let Some(&size) = sizes.get(&def) {
                return size;
            }
            // Held by value in a cycle cannot be (cycles are boxed): 0 stops a loop anyway.
            sizes.insert(def, 0);
            let size = match &defs[def] {
                TypeDef::Struct(s) => {
                    let fields: usize = s
                        .fields
                        .iter()
                        .map(|field| {
                            let size = estimated_size(&field.ty, defs, index, sizes);
                            // `Option` of a number needs a tag; of a string, vector or struct
                            // it uses a value the type never holds.
                            let tag = field.optional
                                && matches!(field.ty, TypeRef::Integer | TypeRef::Number);
                            size + if tag { 8 } else { 0 }
                        })
                        .sum();
                    // Aligned to 8 bytes.
                    fields.div_ceil(8) * 8
                }
                TypeDef::Enum(_) => 24,
                TypeDef::Union(u) => {
                    8 + u
                        .variants
                        .iter()
                        .map(|(_, ty)| estimated_size(ty, defs, index, sizes))
                        .max()
                        .unwrap_or(0)
                }
                TypeDef::Alias(a) => estimated_size(&a.target, defs, index, sizes),
            };
            sizes.insert(def, size);
            size
        }
    }
}

/// The types `def` holds by value: `(slot, target)`, the slot being the field or variant
/// index (`usize::MAX` for an alias, which cannot be boxed).
fn by_value(def: &TypeDef, index: &HashMap<String, usize>) -> Vec<(usize, usize)> {
    let direct = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => index.get(name).copied(),
        _ => None,
    };
    match def {
        TypeDef::Struct(s) => s
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| direct(&f.ty).map(|t| (i, t)))
            .collect(),
        TypeDef::Union(u) => u
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, (_, ty))| direct(ty).map(|t| (i, t)))
            .collect(),
        TypeDef::Alias(a) => direct(&a.target)
            .map(|t| (usize::MAX, t))
            .into_iter()
            .collect(),
        TypeDef::Enum(_) => Vec::new(),
    }
}

/// The last boxable edge `(def, slot)` of the first by-value cycle, found depth first without
/// recursion (a long chain of types must not overflow the stack).
fn by_value_cycle(defs: &[TypeDef], index: &HashMap<String, usize>) -> Option<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let edges: Vec<Vec<(usize, usize)>> = defs.iter().map(|d| by_value(d, index)).collect();
    let mut marks = vec![Mark::New; defs.len()];
    for start in 0..defs.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // (def, next edge to follow, the slot by which we came to it)
        let mut path: Vec<(usize, usize, usize)> = vec![(start, 0, usize::MAX)];
        marks[start] = Mark::OnPath;
        while let Some(&mut (node, ref mut next, _)) = path.last_mut() {
            let Some(&(slot, target)) = edges[node].get(*next) else {
                marks[node] = Mark::Done;
                path.pop();
                continue;
            };
            *next += 1;
            match marks[target] {
                Mark::New => {
                    marks[target] = Mark::OnPath;
                    path.push((target, 0, slot));
                }
                Mark::OnPath => {
                    // The cycle: from `target` along the path to `node`, then back to `target`.
                    let from = path.iter().position(|(n, _, _)| *n == target)?;
                    let closing = std::iter::once((node, slot));
                    let along = path[from + 1..]
                        .iter()
                        .rev()
                        .zip(path[from..].iter().rev().skip(1))
                        .map(|((_, _, came_by), (parent, _, _))| (*parent, *came_by));
                    return closing.chain(along).find(|(def, slot)| {
                        *slot != usize::MAX && !matches!(defs[*def], TypeDef::Alias(_))
                    });
                }
                Mark::Done => {}
            }
        }
    }
    None
}

/// Whether a value of `ty` can be compared with `Eq`, given the models that cannot.
fn is_eq(ty: &TypeRef, not_eq: &BTreeSet<String>) -> bool {
    match ty.leaf() {
        TypeRef::Number | TypeRef::Json | TypeRef::JsonObject | TypeRef::File => false,
        TypeRef::Named(name) => !not_eq.contains(name),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{def, types};
    use super::*;

    #[test]
    fn a_cycle_through_a_union_is_boxed_once() {
        let defs = types(
            "    A: {type: object, required: [b], properties: {b: {$ref: '#/components/schemas/B'}}}\n    B: {oneOf: [{$ref: '#/components/schemas/A'}, {type: string}]}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let boxed = |ty: &TypeRef| matches!(ty, TypeRef::Boxed(_));
        let TypeDef::Struct(a) = def(&defs, "A") else {
            panic!("{defs:#?}")
        };
        let TypeDef::Union(b) = def(&defs, "B") else {
            panic!("{defs:#?}")
        };
        let count = a.fields.iter().filter(|f| boxed(&f.ty)).count()
            + b.variants.iter().filter(|(_, ty)| boxed(ty)).count();
        assert_eq!(count, 1, "{defs:#?}");
    }

    #[test]
    fn sizes_are_estimated_with_option_tags_and_alignment() {
        let defs = types(
            "    Small: {type: object, properties: {n: {type: integer}, b: {type: boolean}}}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let index = index_by_name(&defs);
        let size = estimated_size(
            &TypeRef::Named("Small".into()),
            &defs,
            &index,
            &mut HashMap::new(),
        );
        // `Option<i64>` is 16 bytes, `Option<bool>` 1, aligned to 8: 24.
        assert_eq!(size, 24);
    }

    #[test]
    fn a_far_larger_variant_is_boxed() {
        let big: String = (0..12)
            .map(|i| format!("p{i}: {{type: string}}, "))
            .collect();
        let defs = types(
            &format!("    Big: {{type: object, properties: {{{big}}}}}\n    U: {{oneOf: [{{$ref: '#/components/schemas/Big'}}, {{type: boolean}}]}}\n"),
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Union(u) = def(&defs, "U") else {
            panic!("{defs:#?}")
        };
        assert!(matches!(u.variants[0].1, TypeRef::Boxed(_)), "{u:#?}");
        assert_eq!(u.variants[1].1, TypeRef::Boolean);
    }

    #[test]
    fn floats_and_json_take_eq_away_through_other_types() {
        let defs = types(
            "    Inner: {type: object, properties: {x: {type: number}}}\n    Outer: {type: object, properties: {inner: {$ref: '#/components/schemas/Inner'}}}\n    Plain: {type: object, properties: {s: {type: string}}}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let eq = |name| matches!(def(&defs, name), TypeDef::Struct(s) if s.is_eq);
        assert!(!eq("Inner") && !eq("Outer") && eq("Plain"));
    }
}
