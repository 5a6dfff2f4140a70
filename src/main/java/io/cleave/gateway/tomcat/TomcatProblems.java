package io.cleave.gateway.tomcat;

import org.apache.catalina.Container;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Puts {@link ProblemErrorReportValve} in place of every other error report valve of the host — Tomcat's default and
 * the one Boot adds — so that nothing Tomcat answers on its own is HTML. Ordered last, after Boot's customizer.
 */
final class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers(context -> replaceErrorReport(context.getParent()));
	}

	private static void replaceErrorReport(Container parent) {
		if (!(parent instanceof Host host)) {
			return;
		}
		for (Valve valve : host.getPipeline().getValves()) {
			if (valve instanceof ErrorReportValve) {
				host.getPipeline().removeValve(valve);
			}
		}
		host.getPipeline().addValve(new ProblemErrorReportValve());
		if (host instanceof StandardHost standard) {
			// Otherwise the host adds Tomcat's own ErrorReportValve when it starts.
			standard.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
		}
	}

	/** The sentence a problem raised by Tomcat itself carries: what is wrong, never Tomcat's own text. */
	static String describe(int status) {
		return switch (status) {
			case 400 -> "the request is malformed: its request line, path (an encoded '/' or '\\' is refused), "
					+ "query string or headers do not follow HTTP/1.1";
			case 408 -> "the request was not received in time";
			case 413 -> "the request is too large";
			case 414 -> "the request target is too long";
			case 431 -> "the request headers are too large";
			case 501 -> "the request uses a method or transfer coding this server does not implement";
			case 505 -> "the HTTP version is not supported; use HTTP/1.1";
			default -> "the request failed";
		};
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}
}
