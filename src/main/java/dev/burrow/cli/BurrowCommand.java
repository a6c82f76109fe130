package dev.burrow.cli;

public final class BurrowCommand {
    public static void main(String[] args) {
    }
}
