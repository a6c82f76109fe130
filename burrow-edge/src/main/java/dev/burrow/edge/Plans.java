package dev.burrow.edge;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The edge's plans by name. {@code free} always exists: without configuration it has no limits. An account naming a
 * plan the edge does not know is held to {@code free}'s limits, the least an operator meant to give. Listed by name.
 */
public record Plans(Map<String, Plan> byName) {
    public static final Plans DEFAULT = new Plans(Map.of());

    public Plans {
        TreeMap<String, Plan> all = new TreeMap<>(byName);
        all.putIfAbsent(Plan.FREE, Plan.unlimited(Plan.FREE));
        byName = Collections.unmodifiableSortedMap(all);
    }

    /** The plan of this name, else {@code free}. */
    public Plan of(String name) {
        Plan plan = name == null ? null : byName.get(name);
        return plan != null ? plan : byName.get(Plan.FREE);
    }

    public boolean defines(String name) {
        return byName.containsKey(name);
    }
}
