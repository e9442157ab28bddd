//! The IAM actions each service's adapter calls, and which of saml-doctor's readings needs each:
//! every service lists its calls once (`ACTIONS` in its `api.rs`), and the policies of
//! `saml-doctor aws-policy` are assembled from those lists ([`crate::checker_policy`]), so a call
//! added to an adapter cannot be missing from the policy that grants it.

/// Who makes a call, and so which policy must grant it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `diagnose --aws`: the checker's own credentials.
    Diagnose,
    /// `audit`: the reads inside each audited account (the auditing principal's in one-account
    /// mode, the member-account role's in organization mode).
    Audit,
    /// `audit --organization`: what the auditing principal does itself (list the accounts,
    /// assume the member role), in the management or a delegated-administrator account.
    AuditOrganization,
}

/// One IAM action and the readings that need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// The IAM action, e.g. `iam:ListRoles`.
    pub name: &'static str,
    /// The readings that call it.
    pub purposes: &'static [Purpose],
    /// False for a dependent action: AWS checks it when another action is called, and no adapter
    /// calls it itself.
    pub called: bool,
}

impl Action {
    /// An action an adapter calls, for `purposes`.
    pub const fn new(name: &'static str, purposes: &'static [Purpose]) -> Self {
        Self {
            name,
            purposes,
            called: true,
        }
    }

    /// An action AWS requires along with another one (the service authorization reference's
    /// "dependent actions"), for `purposes`.
    pub const fn dependent(name: &'static str, purposes: &'static [Purpose]) -> Self {
        Self {
            name,
            purposes,
            called: false,
        }
    }

    /// True when `purpose` needs this action.
    pub fn serves(&self, purpose: Purpose) -> bool {
        self.purposes.contains(&purpose)
    }
}
