//! Rule identifiers (`docs/rules.md`). Every decision and every denial names one.

use core::fmt;
use serde::{Deserialize, Serialize};

macro_rules! rules {
    ($($id:ident),+ $(,)?) => {
        /// A rule of `docs/rules.md`, named by its ID (`A3`, `W7`, ...).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
        #[expect(missing_docs, reason = "each variant is the rule of the same name in docs/rules.md")]
        pub enum Rule { $($id),+ }

        impl Rule {
            /// Every rule, in the order of docs/rules.md.
            pub const ALL: &'static [Rule] = &[$(Rule::$id),+];

            /// The rule's ID as docs/rules.md writes it.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Rule::$id => stringify!($id)),+ }
            }

            /// Parses a rule ID.
            #[must_use]
            pub fn parse(id: &str) -> Option<Rule> {
                match id { $(stringify!($id) => Some(Rule::$id),)+ _ => None }
            }
        }
    };
}

rules! {
    P1, P2,
    O1, O2, O3, O4, O5, O6, O7, O8,
    W1, W2, W3, W4, W5, W6, W7, W8, W9,
    R1, R2, R3, R4, R5, R6,
    A1, A2, A3, A4, A5, A6, A7, A8,
    D1, D2, D3, D4,
    U1,
    X1, X2, X3, X4, X5,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
