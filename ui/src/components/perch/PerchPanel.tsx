/*
 * The "Ask Perch" panel: a button at the bottom right opens a drawer with
 * the conversation; the answer grows as its NDJSON deltas arrive.  The
 * question carries the page's scope (the entity when on an entity page).
 * Rendered by Root only when openchoreo.features.assistant.enabled is true.
 */
import React, { useEffect, useState } from 'react';
import {
  Box,
  Button,
  Drawer,
  Fab,
  IconButton,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import ChatIcon from '@material-ui/icons/Chat';
import CloseIcon from '@material-ui/icons/Close';
import { MarkdownContent } from '@backstage/core-components';
import { ChatMessage } from './chat';
import { usePageScope } from './scope';
import { usePerchChat } from './usePerchChat';

const useStyles = makeStyles(theme => ({
  fab: { position: 'fixed', right: theme.spacing(3), bottom: theme.spacing(3), zIndex: 1200 },
  drawer: { width: 440, maxWidth: '100vw', padding: theme.spacing(2), display: 'flex', flexDirection: 'column', height: '100%' },
  log: { flex: 1, overflowY: 'auto', margin: theme.spacing(1, 0) },
  user: { background: theme.palette.action.selected, borderRadius: 8, padding: theme.spacing(1), margin: theme.spacing(1, 0) },
  answer: { padding: theme.spacing(0, 1), whiteSpace: 'pre-wrap' },
}));

const Message = ({ m, last, busy }: { m: ChatMessage; last: boolean; busy: boolean }) => {
  const classes = useStyles();
  if (m.role === 'user') {
    return <Typography className={classes.user} data-testid="perch-question">{m.content}</Typography>;
  }
  return (
    <Box className={classes.answer} data-testid="perch-answer" aria-busy={last && busy}>
      <MarkdownContent content={m.content || (last && busy ? '…' : '')} />
    </Box>
  );
};

const Conversation = ({ onClose }: { onClose: () => void }) => {
  const classes = useStyles();
  const { entityRef, scope } = usePageScope();
  const chat = usePerchChat();
  const [question, setQuestion] = useState('');
  const { warm } = chat;
  useEffect(() => warm(), [warm]);
  const send = () => {
    if (!question.trim() || chat.busy) return;
    chat.ask(question.trim(), scope);
    setQuestion('');
  };
  return (
    <Box className={classes.drawer}>
      <Box display="flex" alignItems="center">
        <Typography variant="h6" style={{ flex: 1 }}>Ask Perch</Typography>
        <IconButton aria-label="Close" onClick={onClose}><CloseIcon /></IconButton>
      </Box>
      <Typography variant="caption" data-testid="perch-scope">
        {entityRef ? `About ${entityRef}` : 'About the whole portal'}
      </Typography>
      <Box className={classes.log}>
        {chat.messages.map((m, i) => (
          <Message key={i} m={m} last={i === chat.messages.length - 1} busy={chat.busy} />
        ))}
        {chat.activity && <Typography variant="caption" data-testid="perch-activity">{chat.activity}…</Typography>}
        {chat.error && (
          <Typography role="alert" color="error" data-testid="perch-error">
            Perch could not answer: {chat.error}
          </Typography>
        )}
      </Box>
      <TextField
        multiline
        minRows={2}
        variant="outlined"
        placeholder="Ask about this page, a build, a deployment…"
        value={question}
        inputProps={{ 'data-testid': 'perch-input', 'aria-label': 'Your question', maxLength: 10000 }}
        onChange={e => setQuestion(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            send();
          }
        }}
      />
      <Box display="flex" justifyContent="flex-end" mt={1}>
        {chat.busy && <Button onClick={chat.stop}>Stop</Button>}
        <Button color="primary" variant="contained" data-testid="perch-send" disabled={chat.busy || !question.trim()} onClick={send}>
          Ask
        </Button>
      </Box>
    </Box>
  );
};

export const PerchPanel = () => {
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Fab color="primary" variant="extended" className={classes.fab} data-testid="perch-open" onClick={() => setOpen(true)}>
        <ChatIcon style={{ marginRight: 8 }} />
        Ask Perch
      </Fab>
      <Drawer anchor="right" open={open} onClose={() => setOpen(false)} keepMounted>
        <Conversation onClose={() => setOpen(false)} />
      </Drawer>
    </>
  );
};
