//! Size bench only: the smallest Governor on OpenZeppelin 0.8, votes from a `Votes` contract,
//! execute by anyone, cancel by the proposer. Used only to measure size.
#![no_std]
use soroban_sdk::{contract, contractimpl, Address, BytesN, Env, String, Symbol, Val, Vec};
use stellar_governance::governor::{self as governor, Governor, ProposalState};

#[contract]
pub struct Gov;

#[contractimpl]
impl Gov {
    pub fn __constructor(e: &Env, votes: Address, period: u32, quorum: u128) {
        governor::set_name(e, String::from_str(e, "urja"));
        governor::set_version(e, String::from_str(e, "1"));
        governor::set_voting_delay(e, 0);
        governor::set_voting_period(e, period);
        governor::set_proposal_threshold(e, 1);
        governor::set_quorum(e, quorum);
        governor::set_token_contract(e, &votes);
    }
}

#[contractimpl(contracttrait)]
impl Governor for Gov {
    fn execute(
        e: &Env,
        targets: Vec<Address>,
        functions: Vec<Symbol>,
        args: Vec<Vec<Val>>,
        description_hash: BytesN<32>,
        executor: Address,
    ) -> BytesN<32> {
        executor.require_auth();
        let q = Self::quorum(e, e.ledger().sequence());
        governor::execute(e, targets, functions, args, &description_hash, false, q)
    }
    fn cancel(
        e: &Env,
        targets: Vec<Address>,
        functions: Vec<Symbol>,
        args: Vec<Vec<Val>>,
        description_hash: BytesN<32>,
        operator: Address,
    ) -> BytesN<32> {
        operator.require_auth();
        governor::cancel(e, targets, functions, args, &description_hash)
    }
}
