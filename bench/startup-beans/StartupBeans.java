import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.core.metrics.StartupStep;

import io.cleave.CleaveApplication;

/**
 * Starts Cleave as bin/cleave does, with Spring's start-up steps buffered, and prints each step's own time.
 *
 * <p>
 * A bean's step encloses the steps of the beans it creates as dependencies; "self" subtracts them, so the times add up
 * to the phase. Lines: {@code STEP <tab> step name <tab> bean name <tab> self µs <tab> total µs}, then
 * {@code READY <tab> ms from main to the ready event}. bench/startup-beans.sh compiles it against the launcher's layout.
 */
public final class StartupBeans {

	public static void main(String[] args) {
		long started = System.nanoTime();
		SpringApplication application = new SpringApplication(CleaveApplication.class);
		// Spring AOT looks its initializer up by the main class, which would otherwise be this one.
		application.setMainApplicationClass(CleaveApplication.class);
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
		application.setApplicationStartup(startup);
		try (var context = application.run(args)) {
			long readyMs = (System.nanoTime() - started) / 1_000_000;
			var events = startup.getBufferedTimeline().getEvents();
			Map<Long, Long> children = new HashMap<>();
			for (var event : events) {
				Long parent = event.getStartupStep().getParentId();
				if (parent != null) {
					children.merge(parent, event.getDuration().toNanos(), Long::sum);
				}
			}
			for (var event : events) {
				StartupStep step = event.getStartupStep();
				String bean = "-";
				for (StartupStep.Tag tag : step.getTags()) {
					if (tag.getKey().equals("beanName")) {
						bean = tag.getValue();
					}
				}
				long total = event.getDuration().toNanos();
				long self = total - children.getOrDefault(step.getId(), 0L);
				System.out.printf("STEP\t%s\t%s\t%d\t%d%n", step.getName(), bean, self / 1000, total / 1000);
			}
			System.out.printf("READY\t%d%n", readyMs);
		}
		System.exit(0);
	}

}
