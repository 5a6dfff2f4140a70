package io.cleave.messaging;

/** A registered handler or subscription; closing it stops delivery to that handler (queued messages stay). */
public interface Registration extends AutoCloseable {

	/** The durable queue the handler consumes. */
	String queue();

	@Override
	void close();
}
