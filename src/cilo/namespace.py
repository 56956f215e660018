"""``CILO``: the cilo vocabulary as an rdflib DefinedNamespace (kept equal to ontology/cilo.ttl by a test)."""

import warnings

from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta, Namespace
from rdflib.term import URIRef

# `help(cilo)` lists CILO's terms, and `inspect` then asks rdflib's own base class, DefinedNamespace,
# for each of them: rdflib warns ~60 times that the base class does not define them. Only that
# warning, only when `inspect` is the asker, is silenced; every other warning stays as it was.
warnings.filterwarnings(
    "ignore", message=r"Code: .* is not defined in namespace DefinedNamespace$", module="inspect"
)


class _Terms(DefinedNamespaceMeta):
    """rdflib's namespace class, whose ``dir()`` gives the terms' names (``Actor``), as ``dir()``
    should, rather than their IRIs (with which ``help`` and tab completion ask for nonsense)."""

    def __dir__(self) -> list[str]:
        return sorted(name for name in self.__annotations__ if not name.startswith("_"))


class CILO(DefinedNamespace, metaclass=_Terms):
    """Every term of the Collective Impact Leadership Ontology, ``https://w3id.org/cilo#``."""

    _fail = True

    # Classes
    Actor: URIRef
    AdministrativeLevel: URIRef
    AnalyticalLevel: URIRef
    BackboneRole: URIRef
    BehaviourCategory: URIRef
    GovernanceLevel: URIRef
    Initiative: URIRef
    LeadershipFunction: URIRef
    NationalBackboneRole: URIRef
    Organization: URIRef
    Person: URIRef
    RegionalBackboneRole: URIRef
    RoleAssignment: URIRef

    # Object properties
    agent: URIRef
    behaviourCategory: URIRef
    initiative: URIRef
    level: URIRef
    partOf: URIRef
    performsFunction: URIRef
    representsFunction: URIRef
    role: URIRef

    # Datatype properties
    municipalityCount: URIRef
    participatingMunicipalityCount: URIRef

    # Annotation properties
    heldOutsideBackboneBy: URIRef
    sourceLocation: URIRef

    # Leadership functions
    BoundarySpanner: URIRef
    Catalyst: URIRef
    Champion: URIRef
    Facilitator: URIRef
    Implementer: URIRef
    InformationAndKnowledgeBroker: URIRef
    Initiator: URIRef
    MetaGovernor: URIRef
    Sponsor: URIRef

    # Backbone roles
    BridgeBuilder: URIRef
    CrossSectoralPlayer: URIRef
    Evaluator: URIRef
    FuturesThinker: URIRef
    ImplementationSupporter: URIRef
    InformationBroker: URIRef
    KnowledgeBroker: URIRef
    LocalKnowledgeGatherer: URIRef
    LocalSupport: URIRef

    # Governance levels
    Local: URIRef
    Macro: URIRef
    Meso: URIRef
    Micro: URIRef
    National: URIRef
    Regional: URIRef

    # Behaviour categories
    ChangeOrientedBehaviour: URIRef
    ExternalBehaviour: URIRef
    RelationsOrientedBehaviour: URIRef
    TaskOrientedBehaviour: URIRef

    # Concept schemes and collections
    AdministrativeLevelScheme: URIRef
    AnalyticalLevelScheme: URIRef
    BackboneRoleScheme: URIRef
    BehaviourCategoryScheme: URIRef
    EstablishedFunctions: URIRef
    LeadershipFunctionScheme: URIRef
    ProposedFunctions: URIRef

    _NS = Namespace("https://w3id.org/cilo#")
