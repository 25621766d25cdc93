package org.melanoscreen.export.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real FHIR R4 server for the tests: HAPI's plain RestfulServer in Jetty on a loopback port, keeping what it
 * receives in memory; a request without the expected Authorization header gets HTTP 401 from a servlet filter.
 */
public final class FhirTestServer implements AutoCloseable {
    public final Store<Patient> patients = new PatientStore();
    public final Store<Device> devices = new Store<>(Device.class);
    public final Store<Media> media = new Store<>(Media.class);
    public final Store<Observation> observations = new Store<>(Observation.class);
    public final Store<DiagnosticReport> reports = new Store<>(DiagnosticReport.class);
    public final Store<ImagingStudy> studies = new Store<>(ImagingStudy.class);
    /** Every request the server answered, metadata included. */
    public final AtomicInteger requests = new AtomicInteger();
    private final Server jetty;
    private final int port;

    /** A server that wants basic authentication with {@code user} and {@code password}. */
    public static FhirTestServer basic(FhirContext context, String user, String password) throws Exception {
        return new FhirTestServer(context, "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }

    /** A server that wants {@code token} as a bearer token. */
    public static FhirTestServer bearer(FhirContext context, String token) throws Exception {
        return new FhirTestServer(context, "Bearer " + token);
    }

    private FhirTestServer(FhirContext context, String expected) throws Exception {
        RestfulServer fhir = new RestfulServer(context);
        fhir.registerProviders(patients, devices, media, observations, reports, studies);
        Filter auth = (request, response, chain) -> {
            requests.incrementAndGet();
            if (!expected.equals(((HttpServletRequest) request).getHeader("Authorization"))) {
                HttpServletResponse r = (HttpServletResponse) response;
                r.setStatus(401);
                r.setContentType("text/plain");
                r.getWriter().print("wrong credentials for the test FHIR server");
                return;
            }
            chain.doFilter(request, response);
        };
        ServletContextHandler handler = new ServletContextHandler();
        handler.setContextPath("/");
        handler.addFilter(new FilterHolder(auth), "/*", EnumSet.of(DispatcherType.REQUEST));
        handler.addServlet(new ServletHolder(fhir), "/fhir/*");
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        jetty.setHandler(handler);
        jetty.start();
        port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    /**
     * Closes the listening port (a device then gets "connection refused"), keeping what the server holds; the
     * port stays reserved for {@link #resume()}.
     */
    public void pause() throws Exception {
        ServerConnector connector = (ServerConnector) jetty.getConnectors()[0];
        connector.setPort(port);
        connector.stop();
    }

    /** Listens again on the same port after {@link #pause()}. */
    public void resume() throws Exception {
        jetty.getConnectors()[0].start();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    /** Resources of one type by id: read and update (an update of a new id creates it, as FHIR allows). */
    public static class Store<T extends IBaseResource> implements IResourceProvider {
        public final Map<String, T> stored = new ConcurrentHashMap<>();
        /** When set, every update is refused with HTTP 422 and this reason. */
        volatile String refusal;
        private final Class<T> type;

        Store(Class<T> type) {
            this.type = type;
        }

        @Override
        public Class<T> getResourceType() {
            return type;
        }

        @Read
        public T read(@IdParam IdType id) {
            T r = stored.get(id.getIdPart());
            if (r == null) {
                throw new ResourceNotFoundException(id);
            }
            return r;
        }

        @Update
        public MethodOutcome update(@IdParam IdType id, @ResourceParam T resource) {
            if (refusal != null) {
                throw new UnprocessableEntityException(refusal);
            }
            resource.setId(new IdType(type.getSimpleName(), id.getIdPart()));
            boolean created = stored.put(id.getIdPart(), resource) == null;
            return new MethodOutcome(resource.getIdElement()).setCreated(created);
        }

        public T get(String reference) {
            IdType id = new IdType(reference);
            if (!type.getSimpleName().equals(id.getResourceType())) {
                throw new AssertionError(reference + " is not a " + type.getSimpleName());
            }
            T r = stored.get(id.getIdPart());
            if (r == null) {
                throw new AssertionError(reference + " does not resolve: the server has no such resource");
            }
            return r;
        }
    }

    /** Patients also by conditional create on their identifier: the existing one when it matches. */
    static final class PatientStore extends Store<Patient> {
        private final AtomicInteger next = new AtomicInteger(1);

        PatientStore() {
            super(Patient.class);
        }

        @Create
        public synchronized MethodOutcome create(@ResourceParam Patient patient, @ConditionalUrlParam String ifNoneExist) {
            if (ifNoneExist != null) {
                String[] identifier = UrlUtil.parseQueryString(ifNoneExist.substring(ifNoneExist.indexOf('?') + 1))
                        .get("identifier");
                if (identifier == null || !identifier[0].contains("|")) {
                    throw new InvalidRequestException("this server matches patients by identifier=system|value only");
                }
                String system = identifier[0].substring(0, identifier[0].indexOf('|'));
                String value = identifier[0].substring(identifier[0].indexOf('|') + 1);
                for (Patient p : stored.values()) {
                    if (p.getIdentifier().stream().anyMatch(i -> system.equals(i.getSystem())
                            && value.equals(i.getValue()))) {
                        return new MethodOutcome(p.getIdElement()).setCreated(false);
                    }
                }
            }
            String id = "p" + next.getAndIncrement();
            patient.setId(new IdType("Patient", id));
            stored.put(id, patient);
            return new MethodOutcome(patient.getIdElement()).setCreated(true);
        }
    }
}
