/**
 * Names for the addresses of stack frames: kernel functions from {@code /proc/kallsyms}, user
 * functions from the ELF symbol tables of the files processes map, as the node sees them.
 */
package io.gadgetflow.node.symbols;
