//! The generated file cut into parts that can be emitted and printed one at a time, on any
//! thread: runs of model types, and resource modules.

use proc_macro2::TokenStream;

use crate::emit;
use crate::model::{Api, Resource, TypeDef};

/// How many model types one part holds: enough that a part costs little more to print than
/// its content, few enough that its tokens and syntax tree stay small.
const TYPES_PER_PART: usize = 64;

/// The file cut into parts that can be emitted and printed one at a time, on any thread.
///
/// A large API (Cloudflare's whole schema: 263,000 lines) held as one token tree, then as one
/// syntax tree, takes several hundred megabytes; cut into parts, only the parts being printed
/// are held, and they are printed in parallel. A part is a run of model types (items inside
/// `models`) or one resource module, whose nested resources are parts of their own; the
/// [`Parts::skeleton`] is the file with a placeholder item where each top-level part goes,
/// and a resource's part has one where each nested resource goes. Printing each part where
/// its placeholder stands gives exactly the text of the whole file printed at once.
#[derive(Debug)]
pub struct Parts<'a> {
    api: &'a Api,
    parts: Vec<Part<'a>>,
}

#[derive(Debug, Clone)]
enum Part<'a> {
    /// Model types, inside `models`.
    Models(&'a [TypeDef]),
    /// A resource module.
    Resource {
        resource: &'a Resource,
        /// At the top level (placed in the file, not in another resource).
        root: bool,
        /// The parts of its nested resources, in order.
        children: Vec<usize>,
    },
}

impl<'a> Parts<'a> {
    /// The parts of `api`'s file, in file order.
    pub fn new(api: &'a Api) -> Self {
        let mut parts: Vec<Part<'a>> = api.types.chunks(TYPES_PER_PART).map(Part::Models).collect();
        for root in &api.roots {
            add_resource(&mut parts, root, true);
        }
        Self { api, parts }
    }

    /// How many parts there are.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether there are no parts (an API without types or operations).
    #[cfg(feature = "internals")]
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The items of part `index` (`index < self.len()`), with `placeholder(inner)` where
    /// each part inside it goes.
    pub fn part(
        &self,
        index: usize,
        placeholder: &mut dyn FnMut(usize) -> TokenStream,
    ) -> TokenStream {
        match &self.parts[index] {
            Part::Models(defs) => defs.iter().map(emit::type_def).collect(),
            Part::Resource {
                resource: node,
                children,
                ..
            } => emit::resource(node, self.api.outside_runtime, &mut |child| {
                placeholder(children[child])
            }),
        }
    }

    /// The whole file with `placeholder(index)` standing for each part.
    pub fn skeleton(&self, mut placeholder: impl FnMut(usize) -> TokenStream) -> TokenStream {
        let mut models = Vec::new();
        let mut roots = Vec::new();
        for (index, part) in self.parts.iter().enumerate() {
            match part {
                Part::Models(_) => models.push(placeholder(index)),
                Part::Resource { root: true, .. } => roots.push(placeholder(index)),
                Part::Resource { root: false, .. } => {}
            }
        }
        emit::skeleton(self.api, &models, &roots)
    }
}

/// Adds the part of `resource` and, after it, those of its nested resources.
fn add_resource<'a>(parts: &mut Vec<Part<'a>>, resource: &'a Resource, root: bool) {
    let index = parts.len();
    parts.push(Part::Resource {
        resource,
        root,
        children: Vec::new(),
    });
    let children = resource
        .children
        .iter()
        .map(|child| {
            let child_index = parts.len();
            add_resource(parts, child, false);
            child_index
        })
        .collect();
    if let Part::Resource { children: slot, .. } = &mut parts[index] {
        *slot = children;
    }
}
