package io.cleave.registry;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a {@link Put}.
 *
 * @param revision the store's revision after the write
 * @param prevKv the key before the write, if it was asked for and the key existed
 */
public record PutResult(long revision, @Nullable KeyValue prevKv) implements OpResult {
}
