// SPDX-License-Identifier: MIT
// A standard OpenZeppelin ERC-20 for coldsign's anvil tests (compiled by tests/js/compile-erc20.js).
pragma solidity ^0.8.20;

import "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract TestToken is ERC20 {
    constructor(address holder, uint256 supply) ERC20("Test Token", "TST") {
        _mint(holder, supply);
    }
}
