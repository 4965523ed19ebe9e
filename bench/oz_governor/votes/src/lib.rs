//! Size bench only: OpenZeppelin `Votes` as membership (one self-delegated unit per member).
#![no_std]
use soroban_sdk::{contract, contractimpl, Address, Env};
use stellar_governance::votes::{self, Votes};

#[contract]
pub struct Members;

#[contractimpl]
impl Members {
    pub fn admit(e: &Env, member: Address) {
        votes::transfer_voting_units(e, None, Some(&member), 1);
        votes::delegate(e, &member, &member);
    }
}

#[contractimpl(contracttrait)]
impl Votes for Members {}
