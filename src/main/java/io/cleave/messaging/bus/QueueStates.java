package io.cleave.messaging.bus;

import java.util.Set;

/** Which queues an operator disabled; remembered across restarts. */
public interface QueueStates {

	Set<String> disabled();

	void setEnabled(String queue, boolean enabled);
}
