import { ReactNode, createContext, useContext, useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
} from '@material-ui/core';
import { Incident } from '@mttr-backstage/plugin-mttr-common';
import { IncidentTimeline } from './IncidentTimeline';

/** The incidents the tab has read, so that other parts can open their timelines. */
export interface LoadedIncidents {
  incidents: Incident[];
  definition: string;
  definitionTitle: string;
}

const LoadedIncidentsContext = createContext<LoadedIncidents | undefined>(
  undefined,
);

/** Makes the tab's incidents known to every {@link IncidentTimelineLink} below. */
export function LoadedIncidentsProvider(
  props: LoadedIncidents & { children: ReactNode },
) {
  const { children, ...value } = props;
  return (
    <LoadedIncidentsContext.Provider value={value}>
      {children}
    </LoadedIncidentsContext.Provider>
  );
}

/**
 * One click from a deployment or a lever to an incident: a button that
 * opens the incident's timeline (the same one its row in the incident
 * table opens into) in a dialog. An incident the tab has not read (it
 * started outside the window, or past the newest the tab reads) is named
 * in plain text, with `fallback` beside it.
 */
export function IncidentTimelineLink(props: {
  source: string;
  incidentId: string;
  /** What the button says; the incident's title, else its id, by default. */
  children?: ReactNode;
  /** Shown instead of the button when the incident is not loaded. */
  fallback?: ReactNode;
}) {
  const { source, incidentId } = props;
  const loaded = useContext(LoadedIncidentsContext);
  const [open, setOpen] = useState(false);
  const incident = loaded?.incidents.find(
    i => i.source === source && i.incidentId === incidentId,
  );
  const name = props.children ?? incident?.title ?? incidentId;
  if (!loaded || !incident) {
    return (
      <span data-testid="mttr-incident-not-loaded">
        {name}
        {props.fallback ?? ' (not among the incidents of this window)'}
      </span>
    );
  }
  return (
    <>
      <Button
        size="small"
        color="primary"
        onClick={() => setOpen(true)}
        aria-label={`Show the timeline of ${incident.title ?? incidentId}`}
        style={{ textTransform: 'none', padding: '0 4px', minWidth: 0 }}
      >
        {name}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        maxWidth="md"
        fullWidth
        aria-labelledby={`mttr-incident-dialog-${source}-${incidentId}`}
      >
        <DialogTitle id={`mttr-incident-dialog-${source}-${incidentId}`}>
          {incident.title ?? incidentId}
        </DialogTitle>
        <DialogContent>
          <IncidentTimeline
            incident={incident}
            definition={loaded.definition}
            definitionTitle={loaded.definitionTitle}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Close</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
